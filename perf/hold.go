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
// their first frame at a time, and returns once all n are open, one
// failed, or timeout passed. The streams stay open until Release: inv's
// target must make the model fall silent (X-Rockstream-Fault:
// silence=…,after=1).
func Hold(inv *Invoker, n, opening int, timeout time.Duration) (*Held, error) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Held{cancel: cancel}
	slots := make(chan struct{}, max(opening, 1))
	all := make(chan struct{})
	start := time.Now()
	s := *inv
	s.OnOpen = func() {
		<-slots
		if h.Opened.Add(1) == int64(n) {
			close(all)
		}
	}
	failed := make(chan struct{}, 1)
	for range n {
		slots <- struct{}{}
		if h.Failed.Load() > 0 {
			break
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			opened := false
			err := s.Stream(ctx, func(string) { opened = true })
			if ctx.Err() != nil {
				return
			}
			h.fail(err, opened)
			select {
			case failed <- struct{}{}:
			default:
			}
		}()
	}
	select {
	case <-all:
	case <-failed:
	case <-time.After(timeout):
	}
	h.Elapsed = time.Since(start)
	if got := h.Opened.Load(); got < int64(n) {
		return h, fmt.Errorf("perf: %d of %d streams open after %v: %w", got, n, h.Elapsed.Round(time.Millisecond), h.err())
	}
	return h, nil
}

func (h *Held) fail(err error, gotText bool) {
	if err == nil {
		err = errors.New("stream ended while it should be silent")
	}
	if gotText {
		err = fmt.Errorf("%w (after text)", err)
	}
	h.Failed.Add(1)
	h.errMu.Lock()
	if h.firstEr == nil {
		h.firstEr = err
	}
	h.errMu.Unlock()
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
