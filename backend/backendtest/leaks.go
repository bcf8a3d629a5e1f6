package backendtest

import (
	"fmt"

	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
)

// settle runs first, which sets up whatever a backend starts once and
// keeps (a pool, a client), closes the idle connections, and takes stock
// of the goroutines left: the ones the next stream may not add to.
func (h *Harness) settle(first func()) goleak.Option {
	first()
	h.closeIdle()
	return goleak.IgnoreCurrent()
}

// warm settles b with one complete stream.
func (h *Harness) warm(b rockstream.Backend) (goleak.Option, error) {
	var err error
	before := h.settle(func() { _, err = h.complete(b) })
	if err != nil {
		return nil, fmt.Errorf("the stream before the check: %w", err)
	}
	return before, nil
}

// leaks closes the idle connections and reports goroutines that were not
// running at before and still run; goleak waits a while for them to end.
// A connection a stream left busy (its body never closed, its HTTP/2
// stream never reset) is not idle, so its goroutines show up here. A
// stream may finish closing its body just after it returns, so with
// CloseIdle set the kit closes and looks again a few times.
func (h *Harness) leaks(before goleak.Option) error {
	attempts := 1
	if h.CloseIdle != nil {
		attempts = 3
	}
	var err error
	for range attempts {
		h.closeIdle()
		if err = goleak.Find(before); err == nil {
			return nil
		}
	}
	hint := ""
	if h.CloseIdle == nil {
		hint = " (if these are connections the backend keeps idle between streams, set Harness.CloseIdle)"
	}
	return fmt.Errorf("goroutines the stream started are still running after it returned%s: %w", hint, err)
}

func (h *Harness) closeIdle() {
	if h.CloseIdle != nil {
		h.CloseIdle()
	}
}
