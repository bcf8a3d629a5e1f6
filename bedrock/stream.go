package bedrock

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"

	"github.com/rockstream/rockstream"
)

// operation is one API's way of calling Bedrock for a prepared request.
type operation interface {
	// open sends the request and returns the stream with the request ID.
	open(ctx context.Context) (upstream, string, error)
}

// upstream is one open Bedrock event stream, decoded to neutral events.
type upstream interface {
	// next appends the events the next message carries to dst. It returns
	// io.EOF once the body has ended after the model's final event, and an
	// error wrapping rockstream.ErrIncomplete if it ended before.
	next(ctx context.Context, dst []rockstream.Event) ([]rockstream.Event, error)
	// close releases the connection and the SDK's reader goroutines.
	close()
}

// errEndedEarly is the cause when the body ends cleanly between frames but
// before the model's final event.
var errEndedEarly = fmt.Errorf("bedrock: the stream ended before the model's final event: %w", rockstream.ErrIncomplete)

// Stream calls Bedrock and yields the answer's events as they arrive. An
// error is yielded alone and ends the sequence; it is a *rockstream.Error.
// Failures before the first event are retried with backoff when they can
// succeed (throttling, 5xx, model not ready, timeouts), up to
// Options.MaxAttempts; after the first event nothing is retried, so no text
// is ever repeated. Breaking out of the loop or cancelling ctx closes the
// connection and ends every goroutine of the stream.
func (c *Client) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil {
			yield(nil, rockstream.Validationf("bedrock: nil request"))
			return
		}
		op, err := c.prepare(req)
		if err != nil {
			e := classify(ctx, err, false)
			c.addHint(e, req.Model, 1)
			yield(nil, e)
			return
		}
		delivered := false
		emit := func(ev rockstream.Event) bool {
			delivered = true
			return yield(ev, nil)
		}
		for attempt := 1; ; attempt++ {
			stopped, e := c.attempt(ctx, op, req.Model, emit)
			if stopped || e == nil {
				return
			}
			if attempt < c.opts.MaxAttempts && retryable(e, delivered) && ctx.Err() == nil {
				wait := c.waitBefore(attempt, e)
				c.log.LogAttrs(ctx, slog.LevelInfo, "bedrock: retrying",
					slog.String("model", req.Model), slog.Int("attempt", attempt),
					slog.String("class", string(e.Class)), slog.String("code", e.Code),
					slog.Duration("wait", wait), slog.String("request_id", e.RequestID))
				if sleep(ctx, wait) {
					continue
				}
				e = cancelled(ctx)
			}
			c.addHint(e, req.Model, attempt)
			c.log.LogAttrs(ctx, slog.LevelDebug, "bedrock: stream failed",
				slog.String("model", req.Model), slog.Int("attempts", attempt),
				slog.String("class", string(e.Class)), slog.String("code", e.Code),
				slog.Bool("in_stream", e.InStream), slog.String("request_id", e.RequestID))
			yield(nil, e)
			return
		}
	}
}

// prepare encodes req once for every attempt.
func (c *Client) prepare(req *rockstream.Request) (operation, error) {
	if op, ok, err := c.preparePass(req); ok || err != nil {
		return op, err
	}
	if c.opts.API == Converse {
		return c.prepareConverse(req)
	}
	return c.prepareInvoke(req)
}

// attempt runs one call: it opens the stream and emits its events until
// the end. stopped is set when emit asked to stop; otherwise e is the
// failure, or nil after a complete stream.
func (c *Client) attempt(ctx context.Context, op operation, model string, emit func(rockstream.Event) bool) (stopped bool, e *rockstream.Error) {
	// Cancelling on return tears the HTTP request down whatever state the
	// SDK's reader is in.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	up, requestID, err := op.open(ctx)
	if err != nil {
		return false, classify(ctx, err, false)
	}
	defer up.close()
	var buf []rockstream.Event
	for {
		buf, err = up.next(ctx, buf[:0])
		for _, ev := range buf {
			if ms, ok := ev.(rockstream.MessageStart); ok {
				ms.RequestID = cmp.Or(ms.RequestID, requestID)
				ms.Model = cmp.Or(ms.Model, model)
				ev = ms
			}
			if !emit(ev) {
				return true, nil
			}
		}
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			e := classify(ctx, err, true)
			if e.RequestID == "" {
				e.RequestID = requestID
			}
			return false, e
		}
	}
}

// decodeFailure wraps a codec's error on a chunk; errors the codec already
// typed (an error chunk from the model) keep their class.
func decodeFailure(family string, err error) error {
	var e *rockstream.Error
	if errors.As(err, &e) {
		return err
	}
	return &rockstream.Error{Class: rockstream.ClassProtocol, Message: "bedrock: bad " + family + " chunk: " + err.Error(), Err: err}
}
