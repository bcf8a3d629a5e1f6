package replay

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"time"

	"github.com/rockstream/rockstream"
)

// Recorder wraps a backend and writes every stream through it to Dir.
type Recorder struct {
	next rockstream.Backend
	dir  string
	log  *slog.Logger
}

// NewRecorder records next's streams into dir, which must exist. Failures
// to write are logged, never passed to the stream's reader.
func NewRecorder(next rockstream.Backend, dir string, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{next: next, dir: dir, log: log}
}

var _ rockstream.Backend = (*Recorder)(nil)

// CountTokens passes counting on to next; counts are not recorded.
func (r *Recorder) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return rockstream.CountTokens(ctx, r.next, req)
}

// Stream passes next's stream through unchanged and records it.
func (r *Recorder) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		rec := &Recording{Format: Version, RecordedAt: time.Now(), Request: FromRequest(req)}
		rec.Key = KeyOf(rec.Request)
		last := rec.RecordedAt
		var stop rockstream.StopReason
		var streamErr error
		defer func() { r.finish(ctx, rec, stop, streamErr, last) }()
		for ev, err := range r.next.Stream(ctx, req) {
			if err != nil {
				streamErr = err
				yield(nil, err)
				return
			}
			now := time.Now()
			b, merr := rockstream.MarshalEvent(ev)
			if merr == nil {
				rec.Events = append(rec.Events, RecordedEvent{AfterMS: ms(now.Sub(last)), Event: b})
			}
			last = now
			if s, ok := ev.(rockstream.MessageStop); ok {
				stop = s.StopReason
			}
			if !yield(ev, nil) {
				streamErr = context.Canceled
				return
			}
		}
	}
}

func (r *Recorder) finish(ctx context.Context, rec *Recording, stop rockstream.StopReason, err error, last time.Time) {
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	rec.Outcome = RecordedOutcome{Kind: string(rockstream.Classify(stop, err)), AfterMS: ms(time.Since(last))}
	switch {
	case errors.Is(err, rockstream.ErrAbort):
		rec.Outcome.Kind = outcomeAbort
	case rec.Outcome.Kind == string(rockstream.Failed):
		rec.Outcome.Error = recordError(err)
	}
	path, werr := writeFile(r.dir, rec)
	if werr != nil {
		r.log.Error("recording not written", slog.String("dir", r.dir), slog.Any("err", werr))
		return
	}
	r.log.Debug("stream recorded", slog.String("file", path), slog.String("outcome", rec.Outcome.Kind))
}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
