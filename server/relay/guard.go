package relay

import (
	"context"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// guarded serializes a sink between the relay loop and its keepalive
// timer, which fires whenever the stream has been silent for the
// keepalive interval, so the loop may block on the source meanwhile.
type guarded struct {
	mu     sync.Mutex
	sink   Sink
	every  time.Duration
	timer  *time.Timer
	done   bool
	err    error
	cancel context.CancelCauseFunc
}

func guard(sink Sink, every time.Duration, cancel context.CancelCauseFunc) *guarded {
	g := &guarded{sink: sink, every: every, cancel: cancel}
	if every > 0 {
		g.mu.Lock()
		g.timer = time.AfterFunc(every, g.ping)
		g.mu.Unlock()
	}
	return g
}

func (g *guarded) ping() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done || g.err != nil {
		return
	}
	if err := g.sink.Keepalive(); err != nil {
		g.failed(err)
		return
	}
	g.timer.Reset(g.every)
}

// failed records a write failure and cancels the upstream; mu is held.
func (g *guarded) failed(err error) {
	g.err = err
	if g.cancel != nil {
		g.cancel(ErrReaderGone)
	}
}

func (g *guarded) write(items []Item, flush bool) error {
	return g.send(items, func(items []Item) error { return g.sink.Write(items, flush) })
}

// final sends the stream's last items even after a failed write: a sink
// such as a journal still takes them.
func (g *guarded) final(items []Item) error {
	if len(items) == 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.halt()
	return g.sink.Final(items)
}

func (g *guarded) send(items []Item, write func([]Item) error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return g.err
	}
	if err := write(items); err != nil {
		g.failed(err)
		return err
	}
	if g.timer != nil && !g.done {
		g.timer.Reset(g.every)
	}
	return nil
}

// respond answers with a whole error response if nothing is committed.
func (g *guarded) respond(e *rockstream.Error) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sink.Started() {
		return false
	}
	g.halt()
	return g.sink.Respond(e)
}

// stop ends keepalives; nothing is written by the timer after it.
func (g *guarded) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.halt()
}

func (g *guarded) halt() {
	g.done = true
	if g.timer != nil {
		g.timer.Stop()
	}
}
