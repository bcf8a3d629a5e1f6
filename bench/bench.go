// Package bench drives a streaming target with bounded load and reports
// what streaming costs: time to first token, inter-token gaps, end-to-end
// latency, tokens per second, stalls, errors, and fidelity (whether a
// stream lost, duplicated or reordered a token of an answer known in
// advance).
package bench

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Driver performs one streaming request, calling onToken for each piece of
// text as it arrives. It returns when the stream ends; a stream that did
// not reach its model's final event must return an error.
type Driver interface {
	Stream(ctx context.Context, onToken func(text string)) error
}

// DriverFunc adapts a function to Driver.
type DriverFunc func(ctx context.Context, onToken func(string)) error

func (f DriverFunc) Stream(ctx context.Context, onToken func(string)) error { return f(ctx, onToken) }

// Options bound and shape a run. A run always ends by itself: after
// Requests streams, or after Duration, whichever comes first.
type Options struct {
	// Concurrency is the number of streams kept open at once (default 1).
	Concurrency int
	// Requests caps the number of streams started (default 100 when
	// Duration is zero too).
	Requests int
	// Duration caps the wall time of the run; streams in flight at the end
	// are allowed to finish within StreamTimeout.
	Duration time.Duration
	// StreamTimeout bounds one stream (default 2 minutes).
	StreamTimeout time.Duration
	// StallGap is the inter-token gap counted as a stall (default 1s).
	StallGap time.Duration
	// Expected, when set, is the exact sequence of text pieces every
	// stream should deliver; each stream is checked against it.
	Expected []string
	// Progress, when set, is called about every 250ms with the counts so far.
	Progress func(done, failed, inFlight int)
}

func (o *Options) setDefaults() error {
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Requests <= 0 && o.Duration <= 0 {
		o.Requests = 100
	}
	if o.Requests < 0 || o.Duration < 0 {
		return errors.New("bench: requests and duration must not be negative")
	}
	if o.StreamTimeout <= 0 {
		o.StreamTimeout = 2 * time.Minute
	}
	if o.StallGap <= 0 {
		o.StallGap = time.Second
	}
	return nil
}

// sample is what one stream measured.
type sample struct {
	ttft    time.Duration
	gaps    []time.Duration
	latency time.Duration
	pieces  []string
	err     error
}

func (s *sample) String() string {
	return fmt.Sprintf("ttft=%v latency=%v tokens=%d err=%v", s.ttft, s.latency, len(s.pieces), s.err)
}
