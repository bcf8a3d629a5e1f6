package gateway

import (
	"strconv"
	"sync"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
)

// output is one response's event stream. The handler writes events while
// a timer sends keepalives whenever the stream has been silent for the
// keepalive interval, so the handler may block on the backend. It is safe
// for that one concurrent use.
type output struct {
	mu      sync.Mutex
	w       *sse.Writer
	d       dialect
	every   time.Duration
	timer   *time.Timer
	closed  bool
	err     error
	onError func(error)
	lastSeq int64
}

// newOutput starts the keepalive timer. onError is called once, from
// whichever goroutine saw it, when a write fails.
func newOutput(w *sse.Writer, d dialect, every time.Duration, onError func(error)) *output {
	o := &output{w: w, d: d, every: every, onError: onError}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.timer = time.AfterFunc(every, o.ping)
	return o
}

func (o *output) ping() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.err != nil {
		return
	}
	if err := o.d.keepalive(o.w); err != nil {
		o.failed(err)
		return
	}
	o.timer.Reset(o.every)
}

// write sends events, numbering each with the next sequence number unless
// it has one.
func (o *output) write(evs []sse.Event) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	for _, ev := range evs {
		if ev.ID == "" {
			o.lastSeq++
			ev.ID = strconv.FormatInt(o.lastSeq, 10)
		}
		if err := o.w.Write(ev); err != nil {
			o.failed(err)
			return err
		}
	}
	if !o.closed {
		o.timer.Reset(o.every)
	}
	return nil
}

func (o *output) failed(err error) {
	o.err = err
	if o.onError != nil {
		o.onError(err)
	}
}

// started reports whether the response headers are committed.
func (o *output) started() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Started()
}

// close stops keepalives; nothing is written after it returns.
func (o *output) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.timer.Stop()
}

// respond runs fn, which writes a whole non-stream response, if the
// stream's headers are not yet committed, and stops keepalives; it
// reports whether it did.
func (o *output) respond(fn func()) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.w.Started() {
		return false
	}
	o.closed = true
	o.timer.Stop()
	fn()
	return true
}
