package relay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
)

// scripted is a Source that yields batches, then ends with end (io.EOF
// for a clean end). A nil batch waits for ctx (a silent model).
type scripted struct {
	batches [][]Item
	end     error
	closed  bool
}

func (s *scripted) Next(ctx context.Context) ([]Item, error) {
	if len(s.batches) == 0 {
		return nil, s.end
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	if b == nil {
		<-ctx.Done()
		return nil, context.Cause(ctx)
	}
	return b, nil
}

func (s *scripted) Fail(e *rockstream.Error) []Item {
	return []Item{{Name: "error", Data: []byte(e.Message)}}
}
func (s *scripted) Close() { s.closed = true }

// recorder is a Sink that records what it was asked to do.
type recorder struct {
	mu         sync.Mutex
	writes     [][]Item
	finals     [][]Item
	responded  *rockstream.Error
	keepalives int
	aborted    bool
	closed     bool
	failWrite  int // the write (1-based) that fails; 0 never
	flushes    []bool
	started    bool
}

func (r *recorder) Write(items []Item, flush bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failWrite == len(r.writes)+1 {
		return errors.New("broken pipe")
	}
	r.flushes = append(r.flushes, flush)
	r.started = true
	r.writes = append(r.writes, items)
	return nil
}
func (r *recorder) Final(items []Item) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finals = append(r.finals, items)
	return nil
}
func (r *recorder) Started() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.started }
func (r *recorder) Respond(e *rockstream.Error) bool {
	r.responded = e
	return true
}
func (r *recorder) Keepalive() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keepalives++
	r.started = true
	return nil
}
func (r *recorder) Abort() { r.aborted = true }
func (r *recorder) Close() { r.closed = true }

func items(names ...string) []Item {
	out := make([]Item, len(names))
	for i, n := range names {
		out[i] = Item{Name: n}
	}
	return out
}

func TestRunOutcomes(t *testing.T) {
	defer goleak.VerifyNone(t)
	throttled := &rockstream.Error{Class: rockstream.ClassThrottling, StatusCode: http.StatusTooManyRequests, Message: "slow down"}
	cases := []struct {
		name      string
		src       *scripted
		failWrite int
		want      Outcome
		writes    int
		respond   bool
		final     bool
		aborted   bool
	}{
		{name: "clean end", src: &scripted{batches: [][]Item{items("a"), items("b", "c")}, end: io.EOF}, want: Complete, writes: 2},
		{name: "failure before the first byte is a status", src: &scripted{end: throttled}, want: Failed, respond: true},
		{name: "failure after events is in band, after them", src: &scripted{batches: [][]Item{items("a"), items("b")}, end: throttled}, want: Failed, writes: 2, final: true},
		{name: "abort cuts the connection", src: &scripted{batches: [][]Item{items("a")}, end: rockstream.ErrAbort}, want: Aborted, writes: 1, aborted: true},
		{name: "reader gone", src: &scripted{batches: [][]Item{items("a"), items("b"), nil}, end: io.EOF}, failWrite: 2, want: Gone, writes: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			sink := &recorder{failWrite: tc.failWrite}
			res := Run(ctx, Stream{Source: tc.src, Sink: sink, Cancel: cancel})
			if res.Outcome != tc.want {
				t.Fatalf("outcome %v (%v), want %v", res.Outcome, res.Err, tc.want)
			}
			if len(sink.writes) != tc.writes {
				t.Errorf("%d writes, want %d", len(sink.writes), tc.writes)
			}
			if (sink.responded != nil) != tc.respond {
				t.Errorf("responded %v, want %v", sink.responded, tc.respond)
			}
			if (len(sink.finals) == 1) != tc.final {
				t.Errorf("finals %v, want in-band error %v", sink.finals, tc.final)
			}
			if tc.final && string(sink.finals[0][0].Data) != "slow down" {
				t.Errorf("in-band error %q", sink.finals[0][0].Data)
			}
			if sink.aborted != tc.aborted {
				t.Errorf("aborted %v, want %v", sink.aborted, tc.aborted)
			}
			if !tc.src.closed || !sink.closed {
				t.Errorf("source closed %v, sink closed %v: both must be", tc.src.closed, sink.closed)
			}
			if tc.want == Gone && !errors.Is(context.Cause(ctx), ErrReaderGone) {
				t.Errorf("upstream context cause %v, want ErrReaderGone", context.Cause(ctx))
			}
		})
	}
}

func TestRunShutdownTellsTheReader(t *testing.T) {
	defer goleak.VerifyNone(t)
	var tr Tracker
	ctx, cancel := context.WithCancelCause(context.Background())
	untrack, ok := tr.Track(cancel)
	if !ok {
		t.Fatal("Track refused before shutdown")
	}
	sink := &recorder{}
	done := make(chan Result, 1)
	go func() {
		defer untrack()
		done <- Run(ctx, Stream{Source: &scripted{batches: [][]Item{items("a"), nil}}, Sink: sink, Cancel: cancel})
	}()
	for !sink.Started() {
		time.Sleep(time.Millisecond)
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Outcome != Failed || len(sink.finals) != 1 {
		t.Fatalf("outcome %v finals %v: shutdown must end the stream with an in-band error", res.Outcome, sink.finals)
	}
	if _, ok := tr.Track(cancel); ok {
		t.Error("Track accepted a stream after shutdown")
	}
}

func TestRunKeepsASilentStreamAlive(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	sink := &recorder{}
	done := make(chan Result)
	go func() {
		done <- Run(ctx, Stream{Source: &scripted{batches: [][]Item{nil}}, Sink: sink, Cancel: cancel, Keepalive: time.Millisecond})
	}()
	for {
		sink.mu.Lock()
		n := sink.keepalives
		sink.mu.Unlock()
		if n >= 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel(errors.New("reader left"))
	if res := <-done; res.Outcome != Gone {
		t.Fatalf("outcome %v, want gone", res.Outcome)
	}
	sink.mu.Lock()
	n := sink.keepalives
	sink.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.keepalives != n {
		t.Errorf("keepalives went on after Run returned: %d then %d", n, sink.keepalives)
	}
}

// A journal-like sink whose write fails because its producer was stopped
// still gets the in-band error, so later readers see a terminal event.
func TestRunToldCauseReachesFinal(t *testing.T) {
	defer goleak.VerifyNone(t)
	stopped := errors.New("stopped by its client")
	ctx, cancel := context.WithCancelCause(context.Background())
	sink := &recorder{failWrite: 2}
	src := &scripted{batches: [][]Item{items("a"), items("b")}, end: io.EOF}
	cancel(stopped)
	res := Run(ctx, Stream{Source: src, Sink: sink, Cancel: cancel,
		Told: func(cause error) (*rockstream.Error, bool) {
			return &rockstream.Error{Class: rockstream.ClassInterrupted, Message: cause.Error()}, true
		}})
	if res.Outcome != Failed || len(sink.finals) != 1 || string(sink.finals[0][0].Data) != stopped.Error() {
		t.Fatalf("outcome %v finals %v: the cause must be told in band", res.Outcome, sink.finals)
	}
}

// readyScript is a scripted source whose next batch has always arrived
// but for the last one.
type readyScript struct{ scripted }

func (s *readyScript) Ready() bool { return len(s.batches) > 0 }

// Batches whose successors have arrived wait for one flush; the last one,
// and a held batch at a clean end, are flushed.
func TestRunFlushesOnlyWhenNothingWaits(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sink := &recorder{}
	src := &readyScript{scripted{batches: [][]Item{items("a"), items("b"), items("c")}, end: io.EOF}}
	if res := Run(ctx, Stream{Source: src, Sink: sink, Cancel: cancel}); res.Outcome != Complete {
		t.Fatalf("outcome %v", res.Outcome)
	}
	want := []bool{false, false, true}
	if len(sink.flushes) != len(want) {
		t.Fatalf("flushes %v, want %v", sink.flushes, want)
	}
	for i := range want {
		if sink.flushes[i] != want[i] {
			t.Fatalf("flushes %v, want %v", sink.flushes, want)
		}
	}

	// A source still "ready" when it ends: the held batch is flushed.
	sink = &recorder{}
	src2 := &alwaysReady{scripted{batches: [][]Item{items("a")}, end: io.EOF}}
	Run(ctx, Stream{Source: src2, Sink: sink, Cancel: cancel})
	if n := len(sink.flushes); n != 2 || sink.flushes[0] || !sink.flushes[1] {
		t.Fatalf("flushes %v: a held batch must be flushed at the end", sink.flushes)
	}
}

type alwaysReady struct{ scripted }

func (*alwaysReady) Ready() bool { return true }
