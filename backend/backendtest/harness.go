// Package backendtest checks a rockstream.Backend against the stream
// contract (rockstream.Backend, DESIGN.md "The stream contract"): events
// in order, an error alone and last, failures before the first event
// typed, MessageStop and usage on every clean end, breaking out and
// cancelling stop everything the stream started (goroutines compared
// with go.uber.org/goleak, an upstream gone silent included), concurrent
// and interleaved streams safe, and a nil or invalid request refused
// without a panic.
//
// A backend package runs it from one test:
//
//	func TestContract(t *testing.T) {
//		backendtest.Run(t, backendtest.Harness{New: ..., Request: ...})
//	}
//
// The goroutine checks compare the goroutines before and after a stream,
// so Run's checks run one after another; keep the test itself out of
// t.Parallel.
package backendtest

import (
	"context"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

// Harness tells the kit how to run one backend.
type Harness struct {
	// New returns the backend under test, with whatever servers it needs
	// already up (stopped with tb.Cleanup). The kit calls it once per
	// check, before it takes stock of the goroutines running.
	New func(tb testing.TB) rockstream.Backend
	// Request returns a request for a short text answer from a model the
	// backend serves. Its answer needs at least one text delta.
	Request func() *rockstream.Request
	// FailBefore, when set, sets up a stream that fails before its first
	// event. Nil skips that check.
	FailBefore func(tb testing.TB) Failure
	// FailMidStream, when set, sets up a stream that fails after at least
	// one event. Nil skips that check.
	FailMidStream func(tb testing.TB) Failure
	// Stall, when set, sets up a stream that delivers a few events, at
	// least one delta among them, and then goes silent until cancelled,
	// as a model that stops answering. Leaving the loop and cancelling
	// are checked on it too: only a silent upstream shows a backend that
	// leaves it running or keeps waiting on it. Nil skips those checks.
	Stall func(tb testing.TB) Failure
	// Invalid, when set, returns a request the backend must refuse with
	// a validation error before the first event. Nil skips that check;
	// a nil request is always checked.
	Invalid func() *rockstream.Request
	// CloseIdle, when set, closes the connections the backends from New
	// keep idle between streams (http.Transport.CloseIdleConnections).
	// The goroutine checks call it before they look, so a connection a
	// stream left busy shows up while an idle one in a pool does not. Nil
	// means the backend keeps no connections.
	CloseIdle func()
	// Guard is how long the kit waits for one stream to return before it
	// calls the stream hung; zero means DefaultGuard. It catches hangs
	// and times nothing.
	Guard time.Duration
}

// DefaultGuard is the Guard of a Harness that sets none.
const DefaultGuard = 30 * time.Second

// Failure is a stream set up to fail.
type Failure struct {
	// Backend streams it; nil means one from Harness.New.
	Backend rockstream.Backend
	// Context is the stream's context; nil means context.Background().
	Context context.Context
	// Request is the request; nil means Harness.Request().
	Request *rockstream.Request
}

// Result is how one check went.
type Result struct {
	Name string
	// Err says how the backend broke the contract; nil when it kept it.
	Err error
	// Skipped, when set, says why the check did not run; a skipped check
	// has not passed.
	Skipped string
}

// check is one contract check. It returns a skip error when the harness
// cannot provide what it needs.
type check struct {
	name string
	run  func(tb testing.TB, h *Harness) error
}

// checks are the kit, in the order it runs them.
var checks = []check{
	{"complete", checkCompleteStream},
	{"nil-request", checkNilRequest},
	{"invalid-request", checkInvalidRequest},
	{"error-before-first-event", checkFailBefore},
	{"error-mid-stream", checkFailMidStream},
	{"break", checkBreak},
	{"cancel-mid-stream", checkCancel},
	{"cancelled-before-start", checkCancelledBefore},
	{"break-while-silent", checkBreakSilent},
	{"cancel-while-silent", checkCancelSilent},
	{"never-iterated", checkNeverIterated},
	{"concurrent", checkConcurrent},
	{"interleaved", checkInterleaved},
}

// skip is a check's answer when the harness lacks what it needs.
type skip string

func (s skip) Error() string { return string(s) }

// Run runs every check as a subtest of t: a broken contract fails it, a
// check the harness cannot feed is skipped with the reason.
func Run(t *testing.T, h Harness) {
	t.Helper()
	h.fill()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			err := c.run(t, &h)
			if s, ok := err.(skip); ok {
				t.Skip(string(s))
			}
			if err != nil {
				t.Errorf("%s: the backend breaks the stream contract:\n%v", c.name, err)
			}
		})
	}
}

// Check runs every check against h and returns the results instead of
// failing a test; tb only serves the harness (cleanups, temporary
// directories). The kit's own tests use it on backends built to break
// the contract.
func Check(tb testing.TB, h Harness) []Result {
	h.fill()
	var out []Result
	for _, c := range checks {
		err := c.run(tb, &h)
		if s, ok := err.(skip); ok {
			out = append(out, Result{Name: c.name, Skipped: string(s)})
			continue
		}
		out = append(out, Result{Name: c.name, Err: err})
	}
	return out
}

func (h *Harness) fill() {
	if h.Guard <= 0 {
		h.Guard = DefaultGuard
	}
}

// failure fills f's defaults.
func (h *Harness) failure(tb testing.TB, f Failure) Failure {
	if f.Backend == nil {
		f.Backend = h.New(tb)
	}
	if f.Context == nil {
		f.Context = context.Background()
	}
	if f.Request == nil {
		f.Request = h.Request()
	}
	return f
}
