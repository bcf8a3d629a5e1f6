package relay

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// ErrShutdown is the cause that ends open streams when the server stops.
var ErrShutdown = errors.New("relay: the server is shutting down")

// ErrTooManyStreams is the cause of a refusal because a Tracker's bound on
// open streams, overall or for the caller's key, is reached.
var ErrTooManyStreams = errors.New("relay: too many open streams")

// Defaults for Tracker's zero bounds: far above what one developer's
// machine opens, low enough that a flood of streams cannot exhaust a
// server's memory and descriptors.
const (
	DefaultMaxStreams       = 1024
	DefaultMaxStreamsPerKey = 256
)

// LimitRetryAfter is how long a caller refused for too many open streams
// is asked to wait: streams end all the time, so a second is enough.
const LimitRetryAfter = time.Second

// ShutdownError is what a stream ended by shutdown tells its reader.
func ShutdownError() *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassUnavailable, StatusCode: http.StatusServiceUnavailable,
		Message: "The server is shutting down; retry the request.", Retryable: true, Err: ErrShutdown}
}

// limitError is what a caller refused by a bound of n streams is told,
// in every dialect a throttling error (429 with Retry-After).
func limitError(n int, perKey bool) *rockstream.Error {
	whose := "the server's"
	if perKey {
		whose = "this key's"
	}
	return &rockstream.Error{Class: rockstream.ClassThrottling, StatusCode: http.StatusTooManyRequests,
		Message:   "Too many concurrent streams: " + whose + " limit of " + strconv.Itoa(n) + " is reached; retry when one has ended.",
		Retryable: true, RetryAfter: LimitRetryAfter, Err: ErrTooManyStreams}
}

// Tracker knows a server's open streams, so shutdown can end each with a
// terminal error instead of cutting its connection, and bounds how many
// are open at once, overall and per caller key. The zero value is ready
// to use, with the default bounds.
type Tracker struct {
	// Max bounds the open streams; zero means DefaultMaxStreams, a
	// negative value means no bound.
	Max int
	// MaxPerKey bounds the open streams of one caller key; zero means
	// DefaultMaxStreamsPerKey, a negative value means no bound. Streams
	// without a verified key count only against Max.
	MaxPerKey int

	mu       sync.Mutex
	closing  bool
	nextID   uint64
	active   map[uint64]context.CancelCauseFunc
	perKey   map[string]int
	inflight sync.WaitGroup
}

// bound resolves a bound field: zero is def, negative is none (0).
func bound(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Admit registers a stream of the caller key (empty when the caller has
// no verified key) with its cancel func; the returned func unregisters
// it. It refuses with ShutdownError once shutdown has begun, and with a
// throttling error (ErrTooManyStreams) when a bound is reached: either
// way the stream must not start, and the caller answers err in its
// dialect.
func (t *Tracker) Admit(key string, cancel context.CancelCauseFunc) (untrack func(), err *rockstream.Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return nil, ShutdownError()
	}
	if n := bound(t.Max, DefaultMaxStreams); n > 0 && len(t.active) >= n {
		return nil, limitError(n, false)
	}
	if n := bound(t.MaxPerKey, DefaultMaxStreamsPerKey); key != "" && n > 0 && t.perKey[key] >= n {
		return nil, limitError(n, true)
	}
	if t.active == nil {
		t.active = map[uint64]context.CancelCauseFunc{}
		t.perKey = map[string]int{}
	}
	t.nextID++
	id := t.nextID
	t.active[id] = cancel
	if key != "" {
		t.perKey[key]++
	}
	t.inflight.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.active, id)
			if key != "" {
				if t.perKey[key]--; t.perKey[key] == 0 {
					delete(t.perKey, key)
				}
			}
			t.mu.Unlock()
			t.inflight.Done()
		})
	}, nil
}

// Track registers a stream without a caller key, as Admit does; ok is
// false when it must not start (shutdown has begun or Max is reached).
func (t *Tracker) Track(cancel context.CancelCauseFunc) (untrack func(), ok bool) {
	untrack, err := t.Admit("", cancel)
	return untrack, err == nil
}

// Open reports how many streams are open.
func (t *Tracker) Open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.active)
}

// Closing reports whether shutdown has begun.
func (t *Tracker) Closing() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closing
}

// Shutdown cancels every open stream with ErrShutdown, refuses new ones,
// and waits until they have ended or ctx ends.
func (t *Tracker) Shutdown(ctx context.Context) error {
	t.mu.Lock()
	t.closing = true
	for _, cancel := range t.active {
		cancel(ErrShutdown)
	}
	t.mu.Unlock()
	done := make(chan struct{})
	go func() { t.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
