package metrics

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/rockstream/rockstream"
)

// Instrument wraps a backend so that every stream through it is measured.
// The time spent inside the consumer between receiving an event and asking
// for the next is what the server adds (encode, write, flush): the wrapper
// sees it as the time its yield call takes.
func (m *Metrics) Instrument(b rockstream.Backend) rockstream.Backend {
	return instrumented{m: m, next: b}
}

type instrumented struct {
	m    *Metrics
	next rockstream.Backend
}

// CountTokens passes counting on; a count is not a stream and is not
// measured.
func (in instrumented) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return rockstream.CountTokens(ctx, in.next, req)
}

func (in instrumented) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		s := in.m.begin(req.Model)
		var streamErr error
		defer func() { s.end(ctx, streamErr) }()
		for ev, err := range in.next.Stream(ctx, req) {
			if err != nil {
				streamErr = err
				yield(nil, err)
				return
			}
			s.observe(ev)
			handedOver := time.Now()
			more := yield(ev, nil)
			s.consumed(time.Since(handedOver))
			if !more {
				streamErr = context.Canceled
				return
			}
		}
	}
}

// stream is the measurement of one stream in flight.
type stream struct {
	m         *Metrics
	model     string
	start     time.Time
	lastToken time.Time
	firstSeen bool
	stop      rockstream.StopReason
	usage     rockstream.Usage
	events    int
}

func (m *Metrics) begin(model string) *stream {
	m.active.Inc()
	m.streamsServed.Inc()
	return &stream{m: m, model: m.modelLabel(model), start: time.Now()}
}

func (s *stream) observe(ev rockstream.Event) {
	s.events++
	switch e := ev.(type) {
	case rockstream.TextDelta, rockstream.ToolInputDelta, rockstream.ReasoningDelta:
		now := time.Now()
		if !s.firstSeen {
			s.firstSeen = true
			s.m.timeToFirst.WithLabelValues(s.model).Observe(now.Sub(s.start).Seconds())
		} else {
			s.m.perToken.WithLabelValues(s.model).Observe(now.Sub(s.lastToken).Seconds())
		}
		s.lastToken = now
	case rockstream.MessageStart:
		s.usage = e.Usage
	case rockstream.MessageStop:
		s.stop = e.StopReason
	case rockstream.Metadata:
		if e.Usage.InputTokens != 0 {
			s.usage.InputTokens = e.Usage.InputTokens
		}
		if e.Usage.OutputTokens != 0 {
			s.usage.OutputTokens = e.Usage.OutputTokens
		}
	}
}

// consumed records how long the frontend held event number s.events.
func (s *stream) consumed(d time.Duration) {
	stage := "event"
	if s.events == 1 {
		stage = "first_event"
	}
	s.m.serverAdded.WithLabelValues(stage).Observe(d.Seconds())
}

func (s *stream) end(ctx context.Context, err error) {
	m := s.m
	m.active.Dec()
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	kind := rockstream.Classify(s.stop, err)
	class := ""
	if kind == rockstream.Failed {
		class = classLabel(rockstream.AsError(err).Class)
		if errors.Is(err, rockstream.ErrAbort) {
			class = string(rockstream.ClassInterrupted)
		}
	}
	m.outcomes.WithLabelValues(string(kind), class).Inc()
	m.duration.WithLabelValues(s.model, string(kind)).Observe(time.Since(s.start).Seconds())
	m.tokens.WithLabelValues(s.model, "input").Add(float64(s.usage.InputTokens))
	m.tokens.WithLabelValues(s.model, "output").Add(float64(s.usage.OutputTokens))
}
