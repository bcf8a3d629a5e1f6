package server_test

import (
	"context"
	"errors"
	"iter"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// gatedBackend holds every stream right after its first text delta until
// the test has seen that text at the client, then lets it finish. A client
// that buffered the stream would show nothing while held, so Held fails
// instead of hanging: this proves incremental delivery without timing it.
type gatedBackend struct {
	inner rockstream.Backend
	// Wait bounds how long a stream is held; a client that shows nothing
	// within it is reported through Held.
	Wait time.Duration

	once   sync.Once
	open   chan struct{}
	mu     sync.Mutex
	failed error
}

func newGate(inner rockstream.Backend) *gatedBackend {
	return &gatedBackend{inner: inner, Wait: 60 * time.Second, open: make(chan struct{})}
}

// Open releases held streams: the client has shown the first text.
func (g *gatedBackend) Open() { g.once.Do(func() { close(g.open) }) }

// Held is the error of a stream that was released by the time limit
// rather than by Open.
func (g *gatedBackend) Held() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failed
}

func (g *gatedBackend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		held := false
		for ev, err := range g.inner.Stream(ctx, req) {
			if !yield(ev, err) {
				return
			}
			if _, ok := ev.(rockstream.TextDelta); ok && !held {
				held = true
				select {
				case <-g.open:
				case <-ctx.Done():
					return
				case <-time.After(g.Wait):
					g.mu.Lock()
					g.failed = errors.New("the client showed no text while the stream was held open after its first delta")
					g.mu.Unlock()
				}
			}
		}
	}
}
