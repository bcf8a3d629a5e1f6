package main

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/rockstream/rockstream"
)

// answer is one streamed answer: what was received and how it ended.
type answer struct {
	acc     rockstream.Accumulator
	outcome rockstream.Outcome
	// deltas counts the content deltas received: what was printed, and
	// the output tokens when the server's usage never came.
	deltas int
	// countedUsage is set when outcome's output tokens are that count.
	countedUsage bool
}

// consume reads one stream into p until it ends, and measures it from
// start (when the request was sent) with now. A printer error stops the
// stream (the iterator's caller breaking out cancels the request) and fails
// it. The outcome is printed last.
func consume(ctx context.Context, seq iter.Seq2[rockstream.Event, error], p printer, start time.Time, now func() time.Time) *answer {
	a := &answer{}
	var firstToken time.Time
	var err error
	for ev, serr := range seq {
		if serr != nil {
			err = serr
			break
		}
		if isToken(ev) {
			a.deltas++
			if firstToken.IsZero() {
				firstToken = now()
			}
		}
		if aerr := a.acc.Add(ev); aerr != nil {
			err = aerr
			break
		}
		if perr := p.event(ev); perr != nil {
			err = perr
			break
		}
	}
	if err == nil && !a.acc.Done() {
		err = rockstream.ErrIncomplete
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		// The request died because we cancelled it, whatever the client
		// called the failure.
		err = errors.Join(context.Canceled, err)
	}
	o := rockstream.Outcome{
		Kind:       rockstream.Classify(a.acc.StopReason(), err),
		StopReason: a.acc.StopReason(),
		Usage:      a.acc.Usage(),
		Metrics:    a.acc.Metrics(),
		Err:        err,
		RequestID:  a.acc.Started().RequestID,
		Latency:    now().Sub(start),
	}
	if !firstToken.IsZero() {
		o.TimeToFirstToken = firstToken.Sub(start)
	}
	if o.Usage.OutputTokens == 0 && a.deltas > 0 {
		// Stopped (Ctrl-C) or cut before the server sent its usage: each
		// delta is at least one token.
		o.Usage.OutputTokens = a.deltas
		a.countedUsage = true
		if jp, ok := p.(*jsonPrinter); ok {
			jp.countedUsage = true
		}
	}
	if o.RequestID == "" && err != nil {
		var re *rockstream.Error
		if errors.As(err, &re) {
			o.RequestID = re.RequestID
		}
	}
	a.outcome = o
	if perr := p.outcome(o); perr != nil && o.Err == nil {
		a.outcome.Kind, a.outcome.Err = rockstream.Failed, perr
	}
	return a
}

// isToken reports whether ev carries generated content.
func isToken(ev rockstream.Event) bool {
	switch ev.(type) {
	case rockstream.TextDelta, rockstream.ToolInputDelta, rockstream.ReasoningDelta:
		return true
	}
	return false
}
