// Package fakebackend is a scripted rockstream.Backend for the server's
// tests: it replays fixed events, fails where told, holds mid-stream until
// released, and records how each stream ended.
package fakebackend

import (
	"context"
	"iter"
	"sync"

	"github.com/rockstream/rockstream"
)

// Backend replays Events for every request.
type Backend struct {
	Events []rockstream.Event
	// FailAt is the event index at which Err replaces the event; -1 never.
	// An index past the end fails after the last event.
	FailAt int
	Err    error
	// HoldAfter, if ≥ 0, blocks after yielding that event until Release
	// is closed or the request's context ends.
	HoldAfter int
	Release   chan struct{}
	// Ended receives, per stream, nil for a full replay or the reason it
	// stopped early (context.Canceled when the consumer stopped pulling).
	Ended chan error

	mu       sync.Mutex
	requests []*rockstream.Request
}

// New returns a Backend replaying events, with no failure and no hold.
func New(events []rockstream.Event) *Backend {
	return &Backend{Events: events, FailAt: -1, HoldAfter: -1, Release: make(chan struct{}), Ended: make(chan error, 4096)}
}

// Stream implements rockstream.Backend.
func (f *Backend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	return func(yield func(rockstream.Event, error) bool) {
		var why error
		defer func() {
			select {
			case f.Ended <- why:
			default:
			}
		}()
		for i, ev := range f.Events {
			if i == f.FailAt {
				yield(nil, f.Err)
				return
			}
			if !yield(ev, nil) {
				why = context.Canceled
				return
			}
			if i == f.HoldAfter {
				select {
				case <-f.Release:
				case <-ctx.Done():
					why = ctx.Err()
					return
				}
			}
		}
		if f.FailAt >= len(f.Events) {
			yield(nil, f.Err)
		}
	}
}

// LastRequest is the most recent request, or nil.
func (f *Backend) LastRequest() *rockstream.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

// Story is a complete short answer: "Once upon a time." in three deltas,
// 12 input and 4 output tokens.
func Story() []rockstream.Event {
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
