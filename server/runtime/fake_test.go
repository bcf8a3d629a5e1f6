package runtime

import (
	"context"
	"iter"
	"sync"

	"github.com/rockstream/rockstream"
)

// fakeBackend replays a scripted stream. It can fail at an event, hold
// after an event until released, and records what it was asked and how
// each stream ended.
type fakeBackend struct {
	events []rockstream.Event
	// failAt is the event index at which err replaces the event; -1 never.
	failAt int
	err    error
	// holdAfter, if ≥ 0, blocks after yielding that event until release
	// is closed or ctx ends.
	holdAfter int
	release   chan struct{}

	mu       sync.Mutex
	requests []*rockstream.Request
	ended    chan error // one value per stream: nil, or why it stopped early
}

func newFake(events []rockstream.Event) *fakeBackend {
	return &fakeBackend{events: events, failAt: -1, holdAfter: -1, release: make(chan struct{}), ended: make(chan error, 16)}
}

func (f *fakeBackend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	return func(yield func(rockstream.Event, error) bool) {
		var why error
		defer func() { f.ended <- why }()
		for i, ev := range f.events {
			if i == f.failAt {
				yield(nil, f.err)
				return
			}
			if !yield(ev, nil) {
				why = context.Canceled
				return
			}
			if i == f.holdAfter {
				select {
				case <-f.release:
				case <-ctx.Done():
					why = ctx.Err()
					return
				}
			}
		}
		if f.failAt >= len(f.events) {
			yield(nil, f.err)
		}
	}
}

func (f *fakeBackend) lastRequest() *rockstream.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

// story is a complete answer in neutral events.
func story() []rockstream.Event {
	return []rockstream.Event{
		rockstream.MessageStart{ID: "msg_bdrk_01", Model: "claude", Usage: rockstream.Usage{InputTokens: 12}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: "Once"},
		rockstream.TextDelta{Index: 0, Text: " upon"},
		rockstream.TextDelta{Index: 0, Text: " a time."},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 12, OutputTokens: 4}},
	}
}
