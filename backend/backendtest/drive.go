package backendtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// call is one call of the kit's yield function.
type call struct {
	ev  rockstream.Event
	err error
}

// run is everything the kit saw of one stream. The kit drives a sequence
// with its own yield function rather than a range loop, so a backend
// that yields again after an error, after being told to stop, or after
// its sequence returned is seen instead of crashing the test.
type run struct {
	mu         sync.Mutex
	calls      []call
	stopped    bool // the kit's yield returned false
	afterStop  int  // yields after that
	afterError int  // yields after an error
	returned   bool // the sequence returned
	late       int  // yields after it returned
	panicked   any  // what Stream or its sequence panicked with
	hung       bool // the sequence did not return within the guard
}

// policy decides, for the i-th yield, whether the stream goes on.
type policy func(i int, ev rockstream.Event, err error) bool

// keepGoing never stops the stream.
func keepGoing(int, rockstream.Event, error) bool { return true }

// drive runs b.Stream(ctx, req) to its end under p. It gives up waiting
// after guard, marking the run hung: the limit catches a stream that
// never ends, it times nothing.
func drive(ctx context.Context, b rockstream.Backend, req *rockstream.Request, p policy, guard time.Duration) *run {
	r := &run{}
	yield := func(ev rockstream.Event, err error) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch {
		case r.returned:
			r.late++
			return false
		case r.stopped:
			r.afterStop++
			return false
		case len(r.calls) > 0 && r.calls[len(r.calls)-1].err != nil:
			r.afterError++
		}
		r.calls = append(r.calls, call{ev, err})
		if !p(len(r.calls)-1, ev, err) {
			r.stopped = true
			return false
		}
		return true
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				r.mu.Lock()
				r.panicked = v
				r.mu.Unlock()
			}
		}()
		b.Stream(ctx, req)(yield)
	}()
	timer := time.NewTimer(guard)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		r.mu.Lock()
		r.hung = true
		r.mu.Unlock()
	}
	r.mu.Lock()
	r.returned = true
	r.mu.Unlock()
	return r
}

// events are the events yielded, in order, without the errors.
func (r *run) events() []rockstream.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var evs []rockstream.Event
	for _, c := range r.calls {
		if c.err == nil {
			evs = append(evs, c.ev)
		}
	}
	return evs
}

// err is the first error yielded, nil if none.
func (r *run) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.calls {
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// problems reports what breaks the contract whatever the stream was
// asked to do: a panic, a hang, an event and an error together, a yield
// after an error, after being told to stop or after returning, and an
// event order that is wrong so far.
func (r *run) problems() error {
	r.mu.Lock()
	var errs []error
	if r.panicked != nil {
		errs = append(errs, fmt.Errorf("panicked: %v", r.panicked))
	}
	if r.hung {
		errs = append(errs, errors.New("the sequence never returned: it hangs"))
	}
	for i, c := range r.calls {
		if c.err != nil && c.ev != nil {
			errs = append(errs, fmt.Errorf("yield %d carried both an event (%s) and an error (%v)", i, describe(c.ev), c.err))
		}
	}
	if r.afterError > 0 {
		errs = append(errs, fmt.Errorf("%d yields after an error; an error must end the sequence", r.afterError))
	}
	if r.afterStop > 0 {
		errs = append(errs, fmt.Errorf("%d yields after yield returned false", r.afterStop))
	}
	if r.late > 0 {
		errs = append(errs, fmt.Errorf("%d yields after the sequence returned", r.late))
	}
	r.mu.Unlock()
	if err := CheckOrder(r.events()); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// delivered reports whether the stream yielded an event of type T.
func delivered[T rockstream.Event](r *run) bool {
	for _, ev := range r.events() {
		if _, ok := ev.(T); ok {
			return true
		}
	}
	return false
}
