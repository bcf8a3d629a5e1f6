package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Run drives d with the load opts describe and reports what it measured.
// It returns early, with what it has, when ctx ends.
func Run(ctx context.Context, d Driver, opts Options) (*Report, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	runCtx := ctx
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}

	var (
		started  atomic.Int64
		done     atomic.Int64
		failed   atomic.Int64
		mu       sync.Mutex
		samples  []*sample
		wg       sync.WaitGroup
		begin    = time.Now()
		progress = startProgress(opts.Progress, &done, &failed, &started)
	)
	defer progress()

	for range opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				n := started.Add(1)
				if opts.Requests > 0 && n > int64(opts.Requests) {
					started.Add(-1)
					return
				}
				// The stream is bounded by its own timeout, not by the
				// run's duration: a stream started in time may finish.
				sctx, cancel := context.WithTimeout(ctx, opts.StreamTimeout)
				s := measure(sctx, d)
				cancel()
				if s.err != nil {
					failed.Add(1)
				}
				done.Add(1)
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return summarize(samples, time.Since(begin), opts), nil
}

// measure runs one stream and times each piece as it arrives.
func measure(ctx context.Context, d Driver) *sample {
	s := &sample{}
	start := time.Now()
	var last time.Time
	s.err = d.Stream(ctx, func(text string) {
		now := time.Now()
		if len(s.pieces) == 0 {
			s.ttft = now.Sub(start)
		} else {
			s.gaps = append(s.gaps, now.Sub(last))
		}
		last = now
		s.pieces = append(s.pieces, text)
	})
	s.latency = time.Since(start)
	return s
}

// startProgress calls report periodically until the returned stop is called.
func startProgress(report func(done, failed, inFlight int), done, failed, started *atomic.Int64) (stop func()) {
	if report == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				d, f := done.Load(), failed.Load()
				report(int(d), int(f), int(started.Load()-d))
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}
