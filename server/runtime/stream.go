package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// dialectEncoder is what both dialects' stream encoders are: each event
// becomes zero or more items of T (model JSON chunks, Converse events).
type dialectEncoder[T any] interface {
	Encode(dst []T, ev rockstream.Event) ([]T, error)
	Flush(dst []T) ([]T, error)
}

// framing adapts a dialect encoder to the relay's Encoder; out turns its
// items into event frames. The item buffer is reused from event to event.
type framing[T any] struct {
	enc   dialectEncoder[T]
	out   func(dst []relay.Item, items []T) []relay.Item
	kind  wire.Stream
	items []T
}

func (f *framing[T]) Encode(dst []relay.Item, ev rockstream.Event) ([]relay.Item, error) {
	var err error
	if f.items, err = f.enc.Encode(f.items[:0], ev); err != nil {
		return dst, err
	}
	return f.out(dst, f.items), nil
}

func (f *framing[T]) End(dst []relay.Item) ([]relay.Item, error) {
	var err error
	if f.items, err = f.enc.Flush(f.items[:0]); err != nil {
		return dst, err
	}
	return f.out(dst, f.items), nil
}

func (f *framing[T]) Fail(dst []relay.Item, e *rockstream.Error) []relay.Item {
	return append(dst, wire.ExceptionItem(f.kind, e))
}

// stream relays req's events from the backend as frames (see package
// relay for the contract): a slow reader slows the backend, a reader that
// leaves stops it, shutdown ends it with an exception frame.
func (h *handler) stream(w http.ResponseWriter, r *http.Request, req *rockstream.Request, kind wire.Stream, enc relay.Encoder, header func(http.Header)) {
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	untrack, refused := h.tracker.Admit(callerKey(r), cancel)
	if refused != nil {
		wire.WriteError(w, refused)
		return
	}
	defer untrack()
	fw := wire.NewFrameWriter(w, kind, h.writeTimeout)
	fw.Header = header
	if req.Wire != nil {
		pt := &relay.Passthrough{Enc: enc, Unit: frameUnit}
		req.Wire.Relay, enc = pt.Relay, pt
	}
	src := relay.NewEncoded(ctx, h.backend, req, enc)
	src.Observe = func(ev rockstream.Event) {
		if start, ok := ev.(rockstream.MessageStart); ok && !fw.Started() {
			upstreamHeaders(w.Header(), start)
		}
	}
	res := relay.Run(ctx, relay.Stream{Source: src, Sink: fw, Cancel: cancel})
	rid := wire.RequestIDFrom(r.Context())
	switch res.Outcome {
	case relay.Complete:
		fw.Start()
	case relay.Aborted:
		panic(http.ErrAbortHandler)
	case relay.Gone:
		h.log.Info("stream reader gone", slog.String("request_id", rid), slog.Any("err", res.Err))
	case relay.Failed:
		h.log.Info("stream failed", slog.String("request_id", rid), slog.Any("err", res.Err))
	}
}

// callerKey is the credential strict mode verified r with, whose open
// streams the tracker bounds together; "" in mode any, where nothing is
// verified and only the overall bound applies.
func callerKey(r *http.Request) string {
	id, _ := auth.IdentityFrom(r.Context())
	return id.Key
}

// callerWire is the request as the caller sent it, for a backend that
// speaks the Bedrock wire to pass on: the body and the X-Amzn-Bedrock-*
// headers, which carry guardrails, trace, latency, tier and metadata.
func callerWire(api rockstream.WireAPI, body []byte, h http.Header) *rockstream.Wire {
	meaning := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "X-Amzn-Bedrock-") {
			meaning[k] = v
		}
	}
	return &rockstream.Wire{API: api, Body: body, Header: meaning}
}

// frameUnit relays an upstream event-stream frame as it came.
func frameUnit(dst []relay.Item, frame []byte) []relay.Item {
	return append(dst, relay.Item{Kind: relay.Frame, Data: frame})
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
