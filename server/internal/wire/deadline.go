package wire

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// writeDeadline keeps a stream's write deadline armed while frames are
// written and cleared while the stream is quiet, without setting it twice
// per frame: on HTTP/2 each SetWriteDeadline is a message to the
// connection's serve goroutine and a timer there.
//
// Two properties hold as with a deadline set before each write and cleared
// after it:
//   - every write and flush runs under a deadline at least half the
//     timeout away when it starts, so a reader that stops reading ends the
//     stream instead of blocking it forever;
//   - a deadline is never left armed through a quiet spell: HTTP/2 resets
//     a stream whose deadline passes even with nothing to write, which
//     would cut a model that thinks for longer than the timeout.
//
// A write re-arms the deadline only when more than half of it is spent.
// The deadline is cleared once half of it is spent, by the write that
// notices it as it ends, or, when the stream is quiet, by a per-stream
// timer. Per timeout/2 of streaming that is one arm and one clear rather
// than two calls per frame.
//
// When a wrapper between the FrameWriter and the connection sets deadlines
// of its own (it has SetWriteDeadline and Unwrap), the FrameWriter cannot
// know which deadline is armed, so it arms before each write and clears
// after it, as before.
type writeDeadline struct {
	rc       *http.ResponseController
	timeout  time.Duration
	perFrame bool // a wrapper shares the deadline: arm and clear every write

	mu     sync.Mutex
	until  time.Time // the armed deadline; zero when none
	busy   bool      // a write or flush is under way
	closed bool
	timer  *time.Timer // clears a half-spent deadline on a quiet stream
}

func newWriteDeadline(w http.ResponseWriter, rc *http.ResponseController, timeout time.Duration) *writeDeadline {
	return &writeDeadline{rc: rc, timeout: timeout, perFrame: wrapsDeadline(w)}
}

// wrapsDeadline reports whether a wrapper around the connection's writer
// handles SetWriteDeadline itself.
func wrapsDeadline(w http.ResponseWriter) bool {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		if _, ok := w.(interface{ SetWriteDeadline(time.Time) error }); ok {
			return true
		}
		w = u.Unwrap()
	}
}

// begin is called before a write or flush: it arms the deadline unless
// one with more than half the timeout left is armed already.
func (d *writeDeadline) begin() error {
	if d.timeout <= 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if !d.perFrame && !d.until.IsZero() && d.until.Sub(now) > d.timeout/2 {
		d.busy = true
		return nil
	}
	until := now.Add(d.timeout)
	if err := d.set(until); err != nil {
		return err
	}
	d.busy = true
	if !d.perFrame {
		if d.timer == nil {
			d.timer = time.AfterFunc(d.timeout/2, d.quiet)
		} else {
			d.timer.Reset(d.timeout / 2)
		}
	}
	return nil
}

// end is called after the write or flush that begin announced.
func (d *writeDeadline) end() {
	if d.timeout <= 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.busy = false
	if d.until.IsZero() {
		return
	}
	if d.perFrame || time.Until(d.until) <= d.timeout/2 {
		// Half spent: clear it now, as the timer would have done had the
		// stream not been busy; the next write arms a fresh one.
		_ = d.set(time.Time{})
	}
}

// quiet runs on the timer, half a timeout after the deadline was armed:
// a stream with no write under way gets its deadline cleared.
func (d *writeDeadline) quiet() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.busy || d.until.IsZero() {
		return // a busy write clears it in end
	}
	_ = d.set(time.Time{})
}

// close clears the deadline so the connection can serve another request,
// and stops the timer: after close returns, nothing touches the writer.
func (d *writeDeadline) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
	_ = d.set(time.Time{})
}

// set sets the deadline; the caller holds mu.
func (d *writeDeadline) set(t time.Time) error {
	err := d.rc.SetWriteDeadline(t)
	if err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	d.until = t
	return nil
}
