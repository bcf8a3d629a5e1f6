package runtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// frame is one event-stream event: its :event-type and payload.
type frame struct {
	eventType string
	payload   []byte
}

// frameEncoder turns one stream's neutral events into frames.
type frameEncoder interface {
	encode(dst []frame, ev rockstream.Event) ([]frame, error)
	// flush returns what the encoder still holds at a clean end.
	flush(dst []frame) ([]frame, error)
}

// dialectEncoder is what both dialects' stream encoders are: each event
// becomes zero or more items of T (model JSON chunks, Converse events).
type dialectEncoder[T any] interface {
	Encode(dst []T, ev rockstream.Event) ([]T, error)
	Flush(dst []T) ([]T, error)
}

// framing adapts a dialect encoder to frames; out turns its items into
// frames. The item buffer is reused from event to event.
type framing[T any] struct {
	enc   dialectEncoder[T]
	out   func(dst []frame, items []T) []frame
	items []T
}

func (f *framing[T]) encode(dst []frame, ev rockstream.Event) ([]frame, error) {
	var err error
	if f.items, err = f.enc.Encode(f.items[:0], ev); err != nil {
		return dst, err
	}
	return f.out(dst, f.items), nil
}

func (f *framing[T]) flush(dst []frame) ([]frame, error) {
	var err error
	if f.items, err = f.enc.Flush(f.items[:0]); err != nil {
		return dst, err
	}
	return f.out(dst, f.items), nil
}

// stream pulls req's events from the backend and writes each as it comes:
// a slow reader slows the backend, a reader that leaves stops it. A failure
// before the first frame is an HTTP error; after it, an exception frame.
func (h *handler) stream(w http.ResponseWriter, r *http.Request, req *rockstream.Request, kind wire.Stream, enc frameEncoder, header func(http.Header)) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	fw := wire.NewFrameWriter(w, kind, h.writeTimeout)
	fw.Header = header
	defer fw.Close()

	var (
		frames  []frame
		failure error
		stopped bool
		gone    error
	)
	for ev, err := range h.backend.Stream(ctx, req) {
		if err != nil {
			failure = err
			break
		}
		switch e := ev.(type) {
		case rockstream.MessageStop:
			stopped = true
		case rockstream.MessageStart:
			if !fw.Started() {
				upstreamHeaders(w.Header(), e)
			}
		}
		if frames, err = enc.encode(frames[:0], ev); err != nil {
			failure = internalError("encoding %T: %v", ev, err)
			break
		}
		if gone = writeFrames(fw, frames); gone != nil {
			break
		}
	}
	rid := wire.RequestIDFrom(r.Context())
	switch {
	case errors.Is(failure, rockstream.ErrAbort):
		_ = fw.WriteHalf()
		panic(http.ErrAbortHandler)
	case gone != nil || (failure != nil && r.Context().Err() != nil):
		h.log.Info("stream reader gone", slog.String("request_id", rid), slog.Any("err", errors.Join(gone, failure)))
		return
	case failure == nil && !stopped:
		failure = internalError("The model's answer ended before its final event.")
	case failure == nil:
		if frames, failure = enc.flush(frames[:0]); failure == nil {
			if gone = writeFrames(fw, frames); gone == nil {
				fw.Start()
			}
			return
		}
	}
	if !fw.Started() {
		wire.WriteError(w, failure)
		return
	}
	h.log.Info("stream failed", slog.String("request_id", rid), slog.Any("err", failure))
	_ = fw.Exception(failure)
}

// upstreamHeaders passes on what a relaying backend learned upstream:
// Bedrock's own request ID, and the model ID it invoked when that differs
// from the one asked for.
func upstreamHeaders(h http.Header, start rockstream.MessageStart) {
	if start.RequestID != "" {
		wire.SetHeader(h, wire.RequestIDHeader, start.RequestID)
	}
	if start.Resolved != "" {
		h.Set(ResolvedModelHeader, start.Resolved)
	}
}

// ResolvedModelHeader names the model ID a backend invoked in place of the
// requested one (an inference profile for a model without on-demand
// throughput).
const ResolvedModelHeader = "X-Rockstream-Resolved-Model"

// writeFrames writes one event's frames: several (an Anthropic
// message_delta and message_stop) go out with one flush. Every event is
// still flushed before the next is pulled from the backend.
func writeFrames(fw *wire.FrameWriter, frames []frame) error {
	if len(frames) == 1 {
		return fw.Event(frames[0].eventType, frames[0].payload)
	}
	fw.Hold()
	var err error
	for _, f := range frames {
		if err = fw.Event(f.eventType, f.payload); err != nil {
			break
		}
	}
	return errors.Join(err, fw.Release())
}
