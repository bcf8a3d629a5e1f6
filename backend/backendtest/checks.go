package backendtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rockstream/rockstream"
)

// complete runs h's short request on b to its end and reports what the
// stream lacks or breaks.
func (h *Harness) complete(b rockstream.Backend) (*run, error) {
	r := drive(context.Background(), b, h.Request(), keepGoing, h.Guard)
	errs := []error{r.problems()}
	if err := r.err(); err != nil {
		errs = append(errs, fmt.Errorf("the short answer failed: %w", err))
	} else if !r.hung && r.panicked == nil {
		errs = append(errs, CheckComplete(r.events()))
	}
	return r, errors.Join(errs...)
}

func checkCompleteStream(tb testing.TB, h *Harness) error {
	_, err := h.complete(h.New(tb))
	return err
}

// refused reports how r differs from a stream refused before its first
// event: the error first and alone, typed, not in-stream, and of class
// want when want is set.
func refused(r *run, want rockstream.ErrorClass) error {
	errs := []error{r.problems()}
	if n := len(r.events()); n > 0 {
		errs = append(errs, fmt.Errorf("%d events came before the failure; a pre-stream failure yields the error first", n))
	}
	err := r.err()
	if err == nil {
		if !r.hung && r.panicked == nil {
			errs = append(errs, errors.New("no error was yielded"))
		}
		return errors.Join(errs...)
	}
	var e *rockstream.Error
	switch {
	case !errors.As(err, &e):
		errs = append(errs, fmt.Errorf("the error %q (%T) is not a *rockstream.Error, so a frontend cannot give it a status", err, err))
	case e.InStream:
		errs = append(errs, fmt.Errorf("the error %q says InStream, but no event came before it", err))
	case want != "" && e.Class != want:
		errs = append(errs, fmt.Errorf("the error %q has class %s; want %s", err, e.Class, want))
	}
	return errors.Join(errs...)
}

func checkNilRequest(tb testing.TB, h *Harness) error {
	r := drive(context.Background(), h.New(tb), nil, keepGoing, h.Guard)
	if err := refused(r, rockstream.ClassValidation); err != nil {
		return fmt.Errorf("Stream(ctx, nil): %w", err)
	}
	return nil
}

func checkInvalidRequest(tb testing.TB, h *Harness) error {
	if h.Invalid == nil {
		return skip("the harness gives no request this backend refuses as invalid")
	}
	return refused(drive(context.Background(), h.New(tb), h.Invalid(), keepGoing, h.Guard), rockstream.ClassValidation)
}

func checkFailBefore(tb testing.TB, h *Harness) error {
	if h.FailBefore == nil {
		return skip("the harness cannot make this backend fail before its first event")
	}
	f := h.failure(tb, h.FailBefore(tb))
	before := h.settle(func() { drive(f.Context, f.Backend, f.Request, keepGoing, h.Guard) })
	r := drive(f.Context, f.Backend, f.Request, keepGoing, h.Guard)
	return errors.Join(refused(r, ""), h.leaks(before))
}

func checkFailMidStream(tb testing.TB, h *Harness) error {
	if h.FailMidStream == nil {
		return skip("the harness cannot make this backend fail after its first event")
	}
	f := h.failure(tb, h.FailMidStream(tb))
	before := h.settle(func() { drive(f.Context, f.Backend, f.Request, keepGoing, h.Guard) })
	r := drive(f.Context, f.Backend, f.Request, keepGoing, h.Guard)
	errs := []error{r.problems()}
	err := r.err()
	var e *rockstream.Error
	switch {
	case r.hung || r.panicked != nil:
	case err == nil:
		errs = append(errs, fmt.Errorf("the stream set to fail ended without an error after %d events", len(r.events())))
	case len(r.events()) == 0:
		errs = append(errs, fmt.Errorf("the stream set to fail mid-stream failed before its first event: %v", err))
	case errors.As(err, &e) && !e.InStream:
		errs = append(errs, fmt.Errorf("the error %q came after %d events but does not say InStream", err, len(r.events())))
	}
	return errors.Join(append(errs, h.leaks(before))...)
}

// breakPoints are the yields after which checkBreak leaves the loop: the
// first event, the first delta, and MessageStop when Metadata follows.
func breakPoints(evs []rockstream.Event) []int {
	points := []int{0}
	var delta bool
	for i, ev := range evs {
		switch ev.(type) {
		case rockstream.TextDelta, rockstream.ReasoningDelta, rockstream.ToolInputDelta:
			if !delta && i > 0 {
				points = append(points, i)
			}
			delta = true
		case rockstream.MessageStop:
			if i+1 < len(evs) {
				points = append(points, i)
			}
		}
	}
	return points
}

func checkBreak(tb testing.TB, h *Harness) error {
	b := h.New(tb)
	full, err := h.complete(b)
	if err != nil {
		return fmt.Errorf("the stream before the check: %w", err)
	}
	var errs []error
	for _, k := range breakPoints(full.events()) {
		before, err := h.warm(b)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		r := drive(context.Background(), b, h.Request(), func(i int, _ rockstream.Event, _ error) bool { return i < k }, h.Guard)
		if err := errors.Join(r.problems(), h.leaks(before)); err != nil {
			errs = append(errs, fmt.Errorf("leaving the loop after event %d (%s): %w", k, describe(full.events()[k]), err))
		}
	}
	return errors.Join(errs...)
}

func checkCancel(tb testing.TB, h *Harness) error {
	b := h.New(tb)
	before, err := h.warm(b)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled atomic.Bool
	r := drive(ctx, b, h.Request(), func(_ int, ev rockstream.Event, _ error) bool {
		switch ev.(type) {
		case rockstream.TextDelta, rockstream.ReasoningDelta, rockstream.ToolInputDelta:
			cancelled.Store(true)
			cancel()
		}
		return true
	}, h.Guard)
	errs := []error{r.problems()}
	if !cancelled.Load() {
		errs = append(errs, errors.New("the stream had no delta to cancel at"))
	}
	if r.err() == nil && !delivered[rockstream.MessageStop](r) && !r.hung && r.panicked == nil {
		errs = append(errs, errors.New("after ctx was cancelled the stream ended without an error and without MessageStop"))
	}
	return errors.Join(append(errs, h.leaks(before))...)
}

func checkCancelledBefore(tb testing.TB, h *Harness) error {
	b := h.New(tb)
	before, err := h.warm(b)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := drive(ctx, b, h.Request(), keepGoing, h.Guard)
	errs := []error{r.problems()}
	if r.err() == nil && !delivered[rockstream.MessageStop](r) && !r.hung && r.panicked == nil {
		errs = append(errs, errors.New("with ctx cancelled the stream ended without an error and without MessageStop"))
	}
	return errors.Join(append(errs, h.leaks(before))...)
}

// checkNeverIterated asks for a stream, drops the sequence unread and
// cancels ctx: nothing may keep running.
func checkNeverIterated(tb testing.TB, h *Harness) (err error) {
	b := h.New(tb)
	before, err := h.warm(b)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	func() {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("Stream panicked: %v", v)
			}
		}()
		_ = b.Stream(ctx, h.Request())
	}()
	cancel()
	return errors.Join(err, h.leaks(before))
}

// checkConcurrent runs several streams on one backend at once; each must
// be a complete, valid stream (and -race sees any shared state).
func checkConcurrent(tb testing.TB, h *Harness) error {
	b := h.New(tb)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := h.complete(b); err != nil {
				errs[i] = fmt.Errorf("stream %d of %d at once: %w", i+1, n, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
