package relay

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/rockstream/rockstream"
)

// ErrShutdown is the cause that ends open streams when the server stops.
var ErrShutdown = errors.New("relay: the server is shutting down")

// ShutdownError is what a stream ended by shutdown tells its reader.
func ShutdownError() *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassUnavailable, StatusCode: http.StatusServiceUnavailable,
		Message: "The server is shutting down; retry the request.", Retryable: true, Err: ErrShutdown}
}

// Tracker knows a server's open streams, so shutdown can end each with a
// terminal error instead of cutting its connection.
type Tracker struct {
	mu       sync.Mutex
	closing  bool
	nextID   uint64
	active   map[uint64]context.CancelCauseFunc
	inflight sync.WaitGroup
}

// Track registers a stream's cancel func; the returned func unregisters
// it. ok is false once shutdown has begun: the stream must not start.
func (t *Tracker) Track(cancel context.CancelCauseFunc) (untrack func(), ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return nil, false
	}
	if t.active == nil {
		t.active = map[uint64]context.CancelCauseFunc{}
	}
	t.nextID++
	id := t.nextID
	t.active[id] = cancel
	t.inflight.Add(1)
	return func() {
		t.mu.Lock()
		delete(t.active, id)
		t.mu.Unlock()
		t.inflight.Done()
	}, true
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
