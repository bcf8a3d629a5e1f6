package gateway

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/rockstream/rockstream"
)

// fakeBackend yields a fixed stream. It can fail after some events, wait
// for the test before an event, and records calls, cancellations and how
// many streams are live.
type fakeBackend struct {
	events []rockstream.Event
	// failAt, with err, yields err instead of event failAt.
	failAt int
	err    error
	// holdAt, with hold, waits for hold (or ctx) before event holdAt.
	holdAt int
	hold   chan struct{}
	// repeat, when non-nil, is yielded forever after events.
	repeat rockstream.Event

	calls     atomic.Int32
	live      atomic.Int32
	yielded   atomic.Int64
	once      sync.Once
	cancelled chan struct{} // closed when a stream saw its context end
}

func newFake(events ...rockstream.Event) *fakeBackend {
	return &fakeBackend{events: events, failAt: -1, holdAt: -1, cancelled: make(chan struct{})}
}

func (f *fakeBackend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		f.calls.Add(1)
		f.live.Add(1)
		defer func() {
			if ctx.Err() != nil {
				f.once.Do(func() { close(f.cancelled) })
			}
		}()
		defer f.live.Add(-1) // before cancelled is closed

		done := func() { yield(nil, ctx.Err()) }
		for i := 0; ; i++ {
			if i == f.failAt {
				yield(nil, f.err)
				return
			}
			if i == f.holdAt {
				select {
				case <-f.hold:
				case <-ctx.Done():
					done()
					return
				}
			}
			var ev rockstream.Event
			switch {
			case i < len(f.events):
				ev = f.events[i]
			case f.repeat != nil:
				ev = f.repeat
			default:
				return
			}
			if ctx.Err() != nil {
				done()
				return
			}
			f.yielded.Add(1)
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// story is a complete text answer in neutral events.
func story(pieces ...string) []rockstream.Event {
	evs := []rockstream.Event{
		rockstream.MessageStart{ID: "msg_1", Model: "m", Usage: rockstream.Usage{InputTokens: 11}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
	}
	for _, p := range pieces {
		evs = append(evs, rockstream.TextDelta{Index: 0, Text: p})
	}
	return append(evs,
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{OutputTokens: len(pieces)}},
	)
}
