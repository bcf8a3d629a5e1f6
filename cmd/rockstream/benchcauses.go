package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/bench"
)

// maxCauses bounds the distinct failure messages a run keeps.
const maxCauses = 5

// causeRecorder wraps a bench driver to keep why streams failed, and to
// tell streams that Ctrl-C stopped from streams that failed.
type causeRecorder struct {
	bench.Driver
	interrupt context.Context // the command's context: Ctrl-C ends it

	mu          sync.Mutex
	causes      map[string]int
	order       []string
	interrupted int
	classes     map[string]int // of interrupted streams, as bench counts them
}

func newCauseRecorder(d bench.Driver, interrupt context.Context) *causeRecorder {
	return &causeRecorder{Driver: d, interrupt: interrupt, causes: map[string]int{}, classes: map[string]int{}}
}

func (r *causeRecorder) Stream(ctx context.Context, onToken func(string)) error {
	err := r.Driver.Stream(ctx, onToken)
	if err == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.interrupt.Err() != nil {
		r.interrupted++
		r.classes[string(rockstream.AsError(err).Class)]++
		return err
	}
	msg := oneLine(err.Error())
	if _, seen := r.causes[msg]; !seen {
		if len(r.order) >= maxCauses {
			msg = "other failures"
		} else {
			r.order = append(r.order, msg)
		}
	}
	r.causes[msg]++
	return err
}

// discountInterrupted takes the streams Ctrl-C stopped out of the failures:
// they did not fail, the run was stopped.
func (r *causeRecorder) discountInterrupted(rep *bench.Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.interrupted == 0 {
		return
	}
	rep.Failed -= r.interrupted
	rep.Streams -= r.interrupted
	for class, n := range r.classes {
		if rep.Errors[class] -= n; rep.Errors[class] <= 0 {
			delete(rep.Errors, class)
		}
	}
}

// writeCauses prints why streams failed, most frequent first.
func (r *causeRecorder) writeCauses(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msgs := append([]string(nil), r.order...)
	if n := r.causes["other failures"]; n > 0 {
		msgs = append(msgs, "other failures")
	}
	sort.SliceStable(msgs, func(i, j int) bool { return r.causes[msgs[i]] > r.causes[msgs[j]] })
	for _, m := range msgs {
		fmt.Fprintf(w, "rockstream: %d× %s\n", r.causes[m], m)
	}
}
