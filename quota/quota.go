// Package quota enforces per-key limits that hold across every replica of a
// server: requests and tokens per minute, concurrent streams, and a token
// budget per period. A refused request is answered before its stream with
// a throttling error carrying Retry-After, which each frontend writes in
// its own dialect. The counters live in a Store: in memory for one
// process, in Redis for many. A Store that fails lets requests through:
// a live stream never depends on Redis.
package quota

import (
	"context"
	"fmt"
	"time"
)

// Window is the length of the requests and tokens windows.
const Window = time.Minute

// DefaultBudgetPeriod is the token budget's period when Limits leaves it
// zero.
const DefaultBudgetPeriod = 24 * time.Hour

// Limits are one key's quotas. A zero field is no limit.
type Limits struct {
	// RequestsPerMinute bounds the requests started in each minute.
	RequestsPerMinute int64 `yaml:"requests_per_minute" json:"requests_per_minute"`
	// TokensPerMinute bounds the tokens (input and output) used in each
	// minute; a request is refused once the minute's tokens reach it.
	TokensPerMinute int64 `yaml:"tokens_per_minute" json:"tokens_per_minute"`
	// ConcurrentStreams bounds the key's streams in flight at once.
	ConcurrentStreams int64 `yaml:"concurrent_streams" json:"concurrent_streams"`
	// TokenBudget bounds the tokens used in each BudgetPeriod.
	TokenBudget int64 `yaml:"token_budget" json:"token_budget"`
	// BudgetPeriod is the budget's period; zero means DefaultBudgetPeriod.
	BudgetPeriod time.Duration `yaml:"budget_period" json:"budget_period"`
}

// Zero reports whether l limits nothing.
func (l Limits) Zero() bool {
	return l.RequestsPerMinute == 0 && l.TokensPerMinute == 0 && l.ConcurrentStreams == 0 && l.TokenBudget == 0
}

// LimitError is a limit out of range.
type LimitError struct {
	Field string // its YAML name, e.g. "requests_per_minute"
	Value int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s must not be negative, not %d", e.Field, e.Value)
}

// Check reports a negative limit as a *LimitError.
func (l Limits) Check() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"requests_per_minute", l.RequestsPerMinute}, {"tokens_per_minute", l.TokensPerMinute},
		{"concurrent_streams", l.ConcurrentStreams}, {"token_budget", l.TokenBudget}, {"budget_period", int64(l.BudgetPeriod)}} {
		if f.v < 0 {
			return &LimitError{Field: f.name, Value: f.v}
		}
	}
	return nil
}

func (l Limits) budgetPeriod() time.Duration {
	if l.BudgetPeriod > 0 {
		return l.BudgetPeriod
	}
	return DefaultBudgetPeriod
}

// Policy says which limits apply to which key.
type Policy struct {
	// Default applies to every key without its own entry, and to callers
	// without a verified key (who share the key "").
	Default Limits `yaml:"default" json:"default"`
	// Keys are per-key limits, by API key or access key ID; an entry
	// replaces Default for its key.
	Keys map[string]Limits `yaml:"keys" json:"keys"`
}

// For is the limits of key.
func (p Policy) For(key string) Limits {
	if l, ok := p.Keys[key]; ok {
		return l
	}
	return p.Default
}

// Zero reports whether p limits nobody.
func (p Policy) Zero() bool {
	if !p.Default.Zero() {
		return false
	}
	for _, l := range p.Keys {
		if !l.Zero() {
			return false
		}
	}
	return true
}

// Check reports the first negative limit.
func (p Policy) Check() error {
	if err := p.Default.Check(); err != nil {
		return fmt.Errorf("default: %w", err)
	}
	for k, l := range p.Keys {
		if err := l.Check(); err != nil {
			return fmt.Errorf("key %s: %w", redact(k), err)
		}
	}
	return nil
}

// redact shows enough of a key to recognise it, not enough to use it.
func redact(key string) string {
	if len(key) <= 4 {
		return "…"
	}
	return key[:4] + "…"
}

// Reason says which limit refused a request.
type Reason string

const (
	ReasonRequests Reason = "requests_per_minute"
	ReasonTokens   Reason = "tokens_per_minute"
	ReasonStreams  Reason = "concurrent_streams"
	ReasonBudget   Reason = "token_budget"
)

// Decision is a Store's answer to Admit.
type Decision struct {
	// Allowed is true when the request may start; it then holds a lease
	// on a stream slot when the key's streams are limited.
	Allowed bool
	// Reason and RetryAfter say why not, and when to come back.
	Reason     Reason
	RetryAfter time.Duration
}

// Store keeps the counters. Every method is atomic across the replicas
// that share the store.
type Store interface {
	// Admit counts a request of key against l at now, unless a limit
	// refuses it; an admitted request with a streams limit takes lease,
	// which expires at now+ttl unless renewed.
	Admit(ctx context.Context, key string, l Limits, lease string, ttl time.Duration, now time.Time) (Decision, error)
	// Renew extends lease to now+ttl.
	Renew(ctx context.Context, key, lease string, ttl time.Duration, now time.Time) error
	// Release gives lease back.
	Release(ctx context.Context, key, lease string) error
	// Charge counts tokens used by key at now against its minute and its
	// budget period.
	Charge(ctx context.Context, key string, l Limits, tokens int64, now time.Time) error
}

// windowStart is the start of the window of length d that holds now.
func windowStart(now time.Time, d time.Duration) time.Time {
	return now.Truncate(d)
}

// untilNext is how long from now until the window of length d that holds
// now ends, at least a millisecond.
func untilNext(now time.Time, d time.Duration) time.Duration {
	return max(windowStart(now, d).Add(d).Sub(now), time.Millisecond)
}
