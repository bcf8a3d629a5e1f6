package rockstream

import (
	"context"
	"errors"
	"time"
)

// OutcomeKind is how a stream ended. Every stream has exactly one.
type OutcomeKind string

const (
	Complete  OutcomeKind = "complete"  // the model finished its answer
	Truncated OutcomeKind = "truncated" // max tokens or a stop sequence cut it
	Failed    OutcomeKind = "error"     // an error ended it; Err says which
	Cancelled OutcomeKind = "cancelled" // the reader went away
)

// Outcome is the terminal result of one stream, with what it cost.
type Outcome struct {
	Kind       OutcomeKind
	StopReason StopReason
	Usage      Usage
	Metrics    Metrics
	// Err is set when Kind is Failed or Cancelled.
	Err       error
	RequestID string
	// TimeToFirstToken is measured by whoever observed the stream, from the
	// request to the first generated token; zero when none arrived.
	TimeToFirstToken time.Duration
	// Latency is the whole stream, request to terminal outcome.
	Latency time.Duration
}

// Classify returns the outcome kind for a stream that ended with stop
// reason r and error err (nil for a clean end).
func Classify(r StopReason, err error) OutcomeKind {
	switch {
	case err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return Cancelled
	case err != nil:
		return Failed
	case r.Truncated():
		return Truncated
	}
	return Complete
}
