package backendtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rockstream/rockstream"
)

// isDelta reports whether ev is generated content.
func isDelta(ev rockstream.Event) bool {
	switch ev.(type) {
	case rockstream.TextDelta, rockstream.ReasoningDelta, rockstream.ToolInputDelta:
		return true
	}
	return false
}

// stalled sets up h's stalling stream, settled on its backend.
func (h *Harness) stalled(tb testing.TB) (Failure, error) {
	if h.Stall == nil {
		return Failure{}, skip("the harness cannot make this backend's upstream go silent")
	}
	f := h.failure(tb, h.Stall(tb))
	return f, nil
}

// checkBreakSilent leaves the loop at the first delta of a stream whose
// upstream then goes silent: the backend must stop the upstream, or it
// waits there for ever.
func checkBreakSilent(tb testing.TB, h *Harness) error {
	f, err := h.stalled(tb)
	if err != nil {
		return err
	}
	before, err := h.warm(f.Backend)
	if err != nil {
		return err
	}
	var delta bool
	r := drive(f.Context, f.Backend, f.Request, func(_ int, ev rockstream.Event, _ error) bool {
		delta = delta || isDelta(ev)
		return !delta
	}, h.Guard)
	errs := []error{r.problems()}
	if !r.hung && !delta {
		errs = append(errs, fmt.Errorf("the stalling stream gave no delta before it ended (%v)", r.err()))
	}
	return errors.Join(append(errs, h.leaks(before))...)
}

// checkCancelSilent cancels ctx at the first delta of a stream whose
// upstream then goes silent, and reads on: the backend must end the
// stream rather than wait on the silent upstream.
func checkCancelSilent(tb testing.TB, h *Harness) error {
	f, err := h.stalled(tb)
	if err != nil {
		return err
	}
	before, err := h.warm(f.Backend)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(f.Context)
	defer cancel()
	var cancelled bool
	r := drive(ctx, f.Backend, f.Request, func(_ int, ev rockstream.Event, _ error) bool {
		if isDelta(ev) {
			cancelled = true
			cancel()
		}
		return true
	}, h.Guard)
	errs := []error{r.problems()}
	switch {
	case r.hung || r.panicked != nil:
	case !cancelled:
		errs = append(errs, fmt.Errorf("the stalling stream gave no delta before it ended (%v)", r.err()))
	case r.err() == nil && !delivered[rockstream.MessageStop](r):
		errs = append(errs, errors.New("after ctx was cancelled the stream ended without an error and without MessageStop"))
	}
	return errors.Join(append(errs, h.leaks(before))...)
}
