package backendtest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

// pulled is what one pulled stream gave.
type pulled struct {
	evs  []rockstream.Event
	err  error
	done bool
}

// checkInterleaved asks one backend for two streams and reads them one
// event at a time in turn, in one goroutine: neither may see the other's
// state, and both must be complete.
func checkInterleaved(tb testing.TB, h *Harness) error {
	b := h.New(tb)
	var streams [2]pulled
	finished := make(chan error, 1)
	go func() {
		finished <- interleave(b, h.Request, &streams)
	}()
	timer := time.NewTimer(h.Guard)
	defer timer.Stop()
	select {
	case err := <-finished:
		if err != nil {
			return err
		}
	case <-timer.C:
		return errors.New("two streams read in turn never ended: they hang")
	}
	var errs []error
	for i, s := range streams {
		if s.err != nil {
			errs = append(errs, fmt.Errorf("stream %d of two read in turn failed: %w", i+1, s.err))
			continue
		}
		if err := CheckComplete(s.evs); err != nil {
			errs = append(errs, fmt.Errorf("stream %d of two read in turn: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

// interleave pulls the two streams in turn until both end, reporting a
// panic as an error.
func interleave(b rockstream.Backend, req func() *rockstream.Request, out *[2]pulled) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panicked reading two streams in turn: %v", v)
		}
	}()
	var next [2]func() (rockstream.Event, error, bool)
	for i := range next {
		n, stop := iter.Pull2(b.Stream(context.Background(), req()))
		defer stop()
		next[i] = n
	}
	for !out[0].done || !out[1].done {
		for i := range out {
			s := &out[i]
			if s.done {
				continue
			}
			ev, err, ok := next[i]()
			switch {
			case !ok:
				s.done = true
			case err != nil:
				s.err, s.done = err, true
			default:
				s.evs = append(s.evs, ev)
			}
		}
	}
	return nil
}
