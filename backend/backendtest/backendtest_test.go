package backendtest

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// story is a complete, valid stream.
var story = []rockstream.Event{
	rockstream.MessageStart{ID: "msg_1", Model: "fake", Usage: rockstream.Usage{InputTokens: 3}},
	rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
	rockstream.TextDelta{Index: 0, Text: "Once"},
	rockstream.TextDelta{Index: 0, Text: " upon"},
	rockstream.BlockStop{Index: 0},
	rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
	rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 3, OutputTokens: 2}},
}

// fake streams story, and breaks the contract the way bug names. Models
// "fail-before" and "fail-mid" fail as their names say.
type fake struct {
	bug     string
	release chan struct{} // closed when the test ends: frees what a bug strands
	mu      sync.Mutex
	next    int // the shared-state bug's one position for every stream
}

func (f *fake) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	if f.bug == "eager" {
		go func() { <-f.release }()
	}
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil && f.bug != "nil-panics" {
			yield(nil, rockstream.Validationf("no request"))
			return
		}
		if req.Guardrail != nil && f.bug != "accepts-invalid" {
			yield(nil, rockstream.Validationf("no guardrails here"))
			return
		}
		if req.Model == "fail-before" {
			if f.bug == "untyped-pre-stream" {
				yield(nil, errors.New("throttled"))
			} else {
				yield(nil, rockstream.BedrockError("ThrottlingException", "slow down"))
			}
			return
		}
		if req.Model == "stall" {
			f.stall(ctx, yield)
			return
		}
		done := make(chan struct{})
		if f.bug == "leaks-on-break" {
			go func() {
				select {
				case <-done:
				case <-f.release:
				}
			}()
		}
		evs := f.events(req)
		for i := 0; i < len(evs); i++ {
			ev := evs[i]
			if f.bug == "shared-state" {
				f.mu.Lock()
				ev = story[f.next%len(story)]
				f.next++
				f.mu.Unlock()
			}
			if ctx.Err() != nil {
				if f.bug == "hangs-on-cancel" {
					<-f.release
				}
				yield(nil, ctx.Err())
				return
			}
			if !yield(ev, nil) && f.bug != "ignores-stop" {
				return
			}
		}
		if req.Model == "fail-mid" {
			f.failMid(yield)
			return
		}
		close(done)
	}
}

// stall streams the start of story from an upstream goroutine that then
// goes silent until its context ends.
func (f *fake) stall(ctx context.Context, yield func(rockstream.Event, error) bool) {
	up, cancel := context.WithCancel(ctx)
	defer func() {
		if f.bug != "silent-leak" { // the bug: the upstream is never cancelled
			cancel()
		}
	}()
	ch := make(chan rockstream.Event)
	cancelled := up.Done()
	if f.bug == "waits-on-silence" { // the bug: an upstream that ignores ctx
		cancelled = nil
	}
	go func() {
		defer close(ch)
		for _, ev := range story[:4] {
			select {
			case ch <- ev:
			case <-cancelled:
				return
			case <-f.release:
				return
			}
		}
		select {
		case <-cancelled:
		case <-f.release:
		}
	}()
	for {
		var ev rockstream.Event
		var ok bool
		if f.bug == "waits-on-silence" {
			ev, ok = <-ch
		} else {
			select {
			case ev, ok = <-ch:
			case <-ctx.Done():
				yield(nil, ctx.Err())
				return
			}
		}
		if !ok {
			yield(nil, errors.New("the upstream ended"))
			return
		}
		if !yield(ev, nil) {
			return
		}
	}
}

// events is what f streams for req before any failure.
func (f *fake) events(req *rockstream.Request) []rockstream.Event {
	switch {
	case req.Model == "fail-mid":
		return story[:3]
	case f.bug == "no-message-stop":
		return story[:5]
	case f.bug == "no-usage":
		return append(story[:len(story)-1:len(story)-1], rockstream.Metadata{})
	case f.bug == "bad-order":
		return append([]rockstream.Event{story[0], story[1], story[2], story[4], story[3]}, story[5:]...)
	}
	return story
}

func (f *fake) failMid(yield func(rockstream.Event, error) bool) {
	e := rockstream.BedrockError("ModelStreamErrorException", "the model broke")
	e.InStream = f.bug != "not-in-stream"
	switch f.bug {
	case "event-with-error":
		yield(rockstream.TextDelta{Index: 0, Text: "!"}, e)
	case "yield-after-error":
		yield(nil, e)
		yield(rockstream.BlockStop{Index: 0}, nil)
	default:
		yield(nil, e)
	}
}

// fakeHarness runs the kit on a fake with bug.
func fakeHarness(t *testing.T, bug string) Harness {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	ask := func(model string) *rockstream.Request {
		return &rockstream.Request{Model: model, Messages: []rockstream.Message{rockstream.UserText("hi")}}
	}
	return Harness{
		New:           func(testing.TB) rockstream.Backend { return &fake{bug: bug, release: release} },
		Request:       func() *rockstream.Request { return ask("fake") },
		FailBefore:    func(testing.TB) Failure { return Failure{Request: ask("fail-before")} },
		FailMidStream: func(testing.TB) Failure { return Failure{Request: ask("fail-mid")} },
		Stall:         func(testing.TB) Failure { return Failure{Request: ask("stall")} },
		Invalid: func() *rockstream.Request {
			r := ask("fake")
			r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1"}
			return r
		},
		// Only the hanging fake ever waits this long.
		Guard: 2 * time.Second,
	}
}

func TestKitPassesAKeptContract(t *testing.T) {
	for _, r := range Check(t, fakeHarness(t, "")) {
		if r.Err != nil || r.Skipped != "" {
			t.Errorf("%s: err %v, skipped %q; the fake keeps the contract", r.Name, r.Err, r.Skipped)
		}
	}
}

func TestKitCatchesBrokenContracts(t *testing.T) {
	tests := []struct {
		bug, check, want string
	}{
		{"nil-panics", "nil-request", "panicked"},
		{"accepts-invalid", "invalid-request", "no error was yielded"},
		{"no-message-stop", "complete", "never delivered MessageStop"},
		{"no-usage", "complete", "and 0 output tokens"},
		{"bad-order", "complete", "block 0 was already stopped"},
		{"untyped-pre-stream", "error-before-first-event", "not a *rockstream.Error"},
		{"not-in-stream", "error-mid-stream", "does not say InStream"},
		{"event-with-error", "error-mid-stream", "both an event"},
		{"yield-after-error", "error-mid-stream", "1 yields after an error"},
		{"ignores-stop", "break", "after yield returned false"},
		{"leaks-on-break", "break", "still running after it returned"},
		{"hangs-on-cancel", "cancel-mid-stream", "never returned"},
		{"eager", "never-iterated", "still running after it returned"},
		{"shared-state", "interleaved", "stream 2 of two read in turn"},
		{"silent-leak", "break-while-silent", "still running after it returned"},
		{"waits-on-silence", "cancel-while-silent", "never returned"},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			h := fakeHarness(t, tt.bug)
			h.fill()
			i := slices.IndexFunc(checks, func(c check) bool { return c.name == tt.check })
			if i < 0 {
				t.Fatalf("no check named %s", tt.check)
			}
			if err := checks[i].run(t, &h); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("check %s: err %v; want one saying %q", tt.check, err, tt.want)
			}
		})
	}
}

func TestKitSkipsWhatTheHarnessLacks(t *testing.T) {
	h := fakeHarness(t, "")
	h.FailBefore, h.FailMidStream, h.Invalid, h.Stall = nil, nil, nil, nil
	skipped := map[string]bool{}
	for _, r := range Check(t, h) {
		if r.Skipped != "" {
			if r.Err != nil {
				t.Errorf("%s: skipped and failed", r.Name)
			}
			skipped[r.Name] = true
		}
	}
	lacking := []string{"error-before-first-event", "error-mid-stream", "invalid-request", "break-while-silent", "cancel-while-silent"}
	for _, name := range lacking {
		if !skipped[name] {
			t.Errorf("%s ran without what it needs", name)
		}
	}
	if len(skipped) != len(lacking) {
		t.Errorf("skipped %v; want only %v, which the harness cannot feed", skipped, lacking)
	}
}

func TestCheckOrder(t *testing.T) {
	start, stop, meta := story[0], story[5], story[6]
	tests := []struct {
		name string
		evs  []rockstream.Event
		want string // "" for a valid order
	}{
		{"complete", story, ""},
		{"cut short", story[:3], ""},
		{"text without BlockStart", []rockstream.Event{start, rockstream.TextDelta{Index: 0, Text: "a"}, rockstream.BlockStop{Index: 0}, stop, meta}, ""},
		{"not started", []rockstream.Event{story[1]}, "first event is not MessageStart"},
		{"two starts", []rockstream.Event{start, start}, "MessageStart again"},
		{"tool input unopened", []rockstream.Event{start, rockstream.ToolInputDelta{Index: 0, PartialJSON: "{}"}}, "never opened"},
		{"wrong kind", []rockstream.Event{start, story[1], rockstream.ReasoningDelta{Index: 0, Text: "hm"}}, "a thinking delta in block 0, which is text"},
		{"stop unopened", []rockstream.Event{start, rockstream.BlockStop{Index: 2}}, "block 2 is not open"},
		{"open at the end", []rockstream.Event{start, story[1], stop}, "block 0 is still open"},
		{"event after stop", []rockstream.Event{start, stop, story[1]}, "only Metadata may"},
		{"metadata early", []rockstream.Event{start, meta, stop}, "Metadata before MessageStop"},
		{"after metadata", []rockstream.Event{start, stop, meta, meta}, "comes after Metadata"},
		{"nil event", []rockstream.Event{start, nil}, "nil event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOrder(tt.evs)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("valid order refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err %v; want one saying %q", err, tt.want)
			}
		})
	}
}
