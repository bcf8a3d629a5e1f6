package quota

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store for one process.
type Memory struct {
	mu   sync.Mutex
	keys map[string]*memoryKey
}

var _ Store = (*Memory)(nil)

// memoryKey is one key's counters: the current minute's requests and
// tokens, the current budget period's tokens, and the stream leases with
// their expiry.
type memoryKey struct {
	minute       time.Time
	requests     int64
	tokens       int64
	budgetStart  time.Time
	budgetPeriod time.Duration
	budgetTokens int64
	leases       map[string]time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{keys: map[string]*memoryKey{}} }

// at is key's counters rolled forward to now; the caller holds mu.
func (m *Memory) at(key string, period time.Duration, now time.Time) *memoryKey {
	k := m.keys[key]
	if k == nil {
		k = &memoryKey{leases: map[string]time.Time{}}
		m.keys[key] = k
	}
	if w := windowStart(now, Window); !w.Equal(k.minute) {
		k.minute, k.requests, k.tokens = w, 0, 0
	}
	if period > 0 {
		if w := windowStart(now, period); !w.Equal(k.budgetStart) || period != k.budgetPeriod {
			k.budgetStart, k.budgetPeriod, k.budgetTokens = w, period, 0
		}
	}
	for id, exp := range k.leases {
		if !exp.After(now) {
			delete(k.leases, id)
		}
	}
	return k
}

func (m *Memory) Admit(_ context.Context, key string, l Limits, lease string, ttl time.Duration, now time.Time) (Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.at(key, l.budgetPeriod(), now)
	switch {
	case l.RequestsPerMinute > 0 && k.requests >= l.RequestsPerMinute:
		return Decision{Reason: ReasonRequests, RetryAfter: untilNext(now, Window)}, nil
	case l.TokensPerMinute > 0 && k.tokens >= l.TokensPerMinute:
		return Decision{Reason: ReasonTokens, RetryAfter: untilNext(now, Window)}, nil
	case l.TokenBudget > 0 && k.budgetTokens >= l.TokenBudget:
		return Decision{Reason: ReasonBudget, RetryAfter: untilNext(now, l.budgetPeriod())}, nil
	case l.ConcurrentStreams > 0 && int64(len(k.leases)) >= l.ConcurrentStreams:
		return Decision{Reason: ReasonStreams, RetryAfter: time.Second}, nil
	}
	k.requests++
	if l.ConcurrentStreams > 0 {
		k.leases[lease] = now.Add(ttl)
	}
	return Decision{Allowed: true}, nil
}

func (m *Memory) Renew(_ context.Context, key, lease string, ttl time.Duration, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k := m.keys[key]; k != nil {
		if _, ok := k.leases[lease]; ok {
			k.leases[lease] = now.Add(ttl)
		}
	}
	return nil
}

func (m *Memory) Release(_ context.Context, key, lease string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k := m.keys[key]; k != nil {
		delete(k.leases, lease)
	}
	return nil
}

func (m *Memory) Charge(_ context.Context, key string, l Limits, tokens int64, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.at(key, l.budgetPeriod(), now)
	k.tokens += tokens
	k.budgetTokens += tokens
	return nil
}
