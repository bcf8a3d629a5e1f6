package quota

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/rockstream/rockstream"
)

// DefaultLeaseTTL is how long a stream slot outlives its last renewal:
// the slots of a replica that crashed come free after it.
const DefaultLeaseTTL = 30 * time.Second

// Options configures a Limiter.
type Options struct {
	// Policy is who gets which limits.
	Policy Policy
	// Store keeps the counters; nil means a new Memory.
	Store Store
	// Logger hears of store failures; nil discards.
	Logger *slog.Logger
	// LeaseTTL is a stream slot's lease; zero means DefaultLeaseTTL. A
	// stream renews it every third of it.
	LeaseTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OnRefuse and OnStoreError, if set, count refusals by reason and
	// store failures (for metrics).
	OnRefuse     func(Reason)
	OnStoreError func(op string)
}

// Limiter decides, per key, whether a request may start, and counts the
// tokens it used when it ends. A store failure lets the request through.
type Limiter struct {
	o           Options
	storeErrors atomic.Int64
}

// New returns a Limiter.
func New(o Options) *Limiter {
	if o.Store == nil {
		o.Store = NewMemory()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Limiter{o: o}
}

// StoreErrors counts the store failures the limiter let requests through on.
func (l *Limiter) StoreErrors() int64 { return l.storeErrors.Load() }

// Ticket is an admitted request: End gives back its stream slot and
// charges its tokens.
type Ticket struct {
	l      *Limiter
	key    string
	limits Limits
	lease  string
	stop   chan struct{}
	done   chan struct{}
}

// Admit decides whether key may start a request now. A refusal is a
// *rockstream.Error in the throttling class, status 429, with RetryAfter
// (the token budget's refusal carries Bedrock's
// ServiceQuotaExceededException code).
func (l *Limiter) Admit(ctx context.Context, key string) (*Ticket, *rockstream.Error) {
	limits := l.o.Policy.For(key)
	t := &Ticket{l: l, key: key, limits: limits}
	if limits.Zero() {
		return t, nil
	}
	if limits.ConcurrentStreams > 0 {
		t.lease = rand.Text()
	}
	d, err := l.o.Store.Admit(ctx, key, limits, t.lease, l.o.LeaseTTL, l.o.Now())
	if err != nil {
		l.storeFailed(ctx, "admit", err)
		t.lease = ""
		return t, nil
	}
	if !d.Allowed {
		if l.o.OnRefuse != nil {
			l.o.OnRefuse(d.Reason)
		}
		return nil, refusal(d)
	}
	if t.lease != "" {
		t.stop, t.done = make(chan struct{}), make(chan struct{})
		go t.renew(context.WithoutCancel(ctx))
	}
	return t, nil
}

// renew keeps the stream slot's lease alive until End.
func (t *Ticket) renew(ctx context.Context) {
	defer close(t.done)
	tick := time.NewTicker(t.l.o.LeaseTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			if err := t.l.o.Store.Renew(ctx, t.key, t.lease, t.l.o.LeaseTTL, t.l.o.Now()); err != nil {
				t.l.storeFailed(ctx, "renew", err)
			}
		}
	}
}

// End releases the request's stream slot and charges the tokens it used.
// It is safe on a nil Ticket and must be called once.
func (t *Ticket) End(ctx context.Context, tokens int64) {
	if t == nil || t.limits.Zero() {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if t.stop != nil {
		close(t.stop)
		<-t.done
	}
	if t.lease != "" {
		if err := t.l.o.Store.Release(ctx, t.key, t.lease); err != nil {
			t.l.storeFailed(ctx, "release", err)
		}
	}
	if tokens > 0 && (t.limits.TokensPerMinute > 0 || t.limits.TokenBudget > 0) {
		if err := t.l.o.Store.Charge(ctx, t.key, t.limits, tokens, t.l.o.Now()); err != nil {
			t.l.storeFailed(ctx, "charge", err)
		}
	}
}

func (l *Limiter) storeFailed(ctx context.Context, op string, err error) {
	l.storeErrors.Add(1)
	if l.o.OnStoreError != nil {
		l.o.OnStoreError(op)
	}
	l.o.Logger.LogAttrs(ctx, slog.LevelWarn, "quota store unavailable; letting the request through",
		slog.String("op", op), slog.String("error", err.Error()))
}

// messages say which limit refused, in words a caller can act on.
var messages = map[Reason]string{
	ReasonRequests: "Too many requests for this key in the current minute; retry after the Retry-After delay.",
	ReasonTokens:   "Too many tokens for this key in the current minute; retry after the Retry-After delay.",
	ReasonStreams:  "Too many concurrent streams for this key; retry when one of them has ended.",
	ReasonBudget:   "This key's token budget for the period is spent; retry after the Retry-After delay.",
}

// Error is the cause inside a refusal, for errors.As.
type Error struct {
	Reason     Reason
	RetryAfter time.Duration
}

func (e *Error) Error() string { return "quota: " + string(e.Reason) + " exceeded" }

func refusal(d Decision) *rockstream.Error {
	e := &rockstream.Error{Class: rockstream.ClassThrottling, Code: "ThrottlingException",
		StatusCode: http.StatusTooManyRequests, Message: messages[d.Reason], Retryable: true,
		RetryAfter: max(d.RetryAfter, time.Second), Err: &Error{Reason: d.Reason, RetryAfter: d.RetryAfter}}
	if d.Reason == ReasonBudget {
		e.Code = "ServiceQuotaExceededException"
	}
	return e
}
