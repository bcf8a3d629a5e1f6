package perf

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Held is a set of streams kept open until Release.
type Held struct {
	// Opened counts streams whose first frame arrived; Failed those that
	// ended with an error before Release.
	Opened, Failed atomic.Int64
	// Elapsed is how long opening them took.
	Elapsed time.Duration
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	errMu   sync.Mutex
	firstEr error
}

// Hold opens n streams with inv, at most opening of them waiting for
// their first frame at a time, and returns once all n are open, more
// than n/100 failed, or timeout passed; it is an error unless at least
// 99% are open. The streams stay open until Release: inv's
// target must make the model fall silent (X-Rockstream-Fault:
// silence=…,after=1).
func Hold(inv *Invoker, n, opening int, timeout time.Duration) (*Held, error) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Held{cancel: cancel}
	slots := make(chan struct{}, max(opening, 1))
	all := make(chan struct{})
	start := time.Now()
	var allOnce sync.Once
	settled := func() { // one more stream opened or failed
		if h.Opened.Load()+h.Failed.Load() >= int64(n) {
			allOnce.Do(func() { close(all) })
		}
	}
	failed := make(chan struct{}, 1)
	tolerated := int64(n / 100)
	for range n {
		slots <- struct{}{}
		if h.Failed.Load() > tolerated {
			break
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			s := *inv
			open := false
			s.OnOpen = func() {
				open = true
				<-slots
				h.Opened.Add(1)
				settled()
			}
			gotText := false
			err := s.Stream(ctx, func(string) { gotText = true })
			if ctx.Err() != nil {
				return
			}
			if open {
				h.Opened.Add(-1) // no longer held
			} else {
				<-slots
			}
			if h.fail(err, gotText) > tolerated {
				select {
				case failed <- struct{}{}:
				default:
				}
			}
			settled()
		}()
	}
	select {
	case <-all:
	case <-failed:
	case <-time.After(timeout):
	}
	h.Elapsed = time.Since(start)
	if got := h.Opened.Load(); got < int64(n)-tolerated {
		return h, fmt.Errorf("perf: %d of %d streams open after %v: %w", got, n, h.Elapsed.Round(time.Millisecond), h.err())
	}
	return h, nil
}

// fail records a stream that ended early and returns the failures so far.
func (h *Held) fail(err error, gotText bool) int64 {
	if err == nil {
		err = errors.New("stream ended while it should be silent")
	}
	if gotText {
		err = fmt.Errorf("%w (after text)", err)
	}
	n := h.Failed.Add(1)
	h.errMu.Lock()
	if h.firstEr == nil {
		h.firstEr = err
	}
	h.errMu.Unlock()
	return n
}

// Err is the first stream's failure, if any.
func (h *Held) Err() error {
	h.errMu.Lock()
	defer h.errMu.Unlock()
	return h.firstEr
}

func (h *Held) err() error {
	h.errMu.Lock()
	defer h.errMu.Unlock()
	if h.firstEr == nil {
		return errors.New("timed out")
	}
	return h.firstEr
}

// Release cancels every stream and waits for their goroutines.
func (h *Held) Release() {
	h.cancel()
	h.wg.Wait()
}
