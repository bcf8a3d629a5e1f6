package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/server/relay"
)

// streamJournaled relays the backend into journal j from a producer
// goroutine under pctx (admitted with cancel, leaving with untrack), and
// relays the journal to the reader. The producer outlives the request
// only under the Finish policy, and never its retention window.
func (g *Gateway) streamJournaled(w http.ResponseWriter, c *streamCall, j *journal,
	pctx context.Context, cancel context.CancelCauseFunc, untrack func()) {
	w.Header().Set(HeaderResume, "available")
	go func() {
		defer untrack()
		defer cancel(nil)
		src := relay.NewEncoded(pctx, g.opts.Backend, c.req, c.enc)
		res := relay.Run(pctx, relay.Stream{
			Source: src, Sink: journalSink{j: j, ctx: pctx, store: g.journals}, Cancel: cancel,
			// Whoever stopped the producer, later readers are told why.
			Told: func(cause error) (*rockstream.Error, bool) { return causeError(cause), true },
		})
		g.logStream(c, src.Events, res)
	}()
	g.follow(w, c.ctx, j, 0)
}

// causeError is what a reader is told about a producer that was stopped.
func causeError(cause error) *rockstream.Error {
	switch {
	case errors.Is(cause, relay.ErrShutdown):
		return relay.ShutdownError()
	case errors.Is(cause, errStopped):
		return &rockstream.Error{Class: rockstream.ClassInterrupted, StatusCode: http.StatusBadGateway,
			Message: "The stream was stopped by its client.", Err: cause}
	case errors.Is(cause, errReaderLeft), errors.Is(cause, errExpired):
		return &rockstream.Error{Class: rockstream.ClassInterrupted, StatusCode: http.StatusBadGateway,
			Message: "The stream was stopped after its reader disconnected.", Err: cause}
	}
	return rockstream.AsError(cause)
}

// follow relays a journal's events after seq to one reader, live, with
// keepalives, until the stream is done or the reader leaves.
func (g *Gateway) follow(w http.ResponseWriter, ctx context.Context, j follower, after int64) {
	defer g.journals.detach(j)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sink := newSSESink(w, j.streamDialect(), g.opts.WriteTimeout, j.streamID())
	sink.lastSeq = after
	res := relay.Run(ctx, relay.Stream{
		Source: &journalSource{j: j, after: after, pending: after}, Sink: sink,
		Cancel: cancel, Keepalive: g.opts.Keepalive,
	})
	if res.Outcome == relay.Aborted {
		panic(http.ErrAbortHandler)
	}
}

// parseLastEventID reads a Last-Event-ID: the number of the last event a
// reader got, 0 when empty (from the start).
func parseLastEventID(last string) (int64, *rockstream.Error) {
	last = strings.TrimSpace(last)
	if last == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(last, 10, 64)
	if err != nil || n < 0 {
		e := rockstream.Validationf("Last-Event-ID %q is not an event ID of this stream.", last)
		e.Err = &openai.ParamError{Param: "Last-Event-ID", Code: "invalid_value"}
		return 0, e
	}
	return n, nil
}

// resume serves GET /v1/streams/{id}: the events after Last-Event-ID (the
// header, or ?last_event_id=), then the rest live. Only the key that
// started a stream can resume it; to any other it does not exist.
func (g *Gateway) resume(w http.ResponseWriter, r *http.Request, d dialect) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	after, perr := parseLastEventID(last)
	if perr != nil {
		writeError(w, d, perr)
		return
	}
	// A reader holds a connection and a relay as a stream does, so it
	// counts against the same bounds, and shutdown ends it.
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	untrack, refused := g.streams.Admit(g.verifiedKey(r), cancel)
	if refused != nil {
		writeError(w, d, refused)
		return
	}
	defer untrack()
	j, ok := g.journals.attach(ctx, r.PathValue("id"), g.verifiedKey(r), after)
	if !ok {
		writeError(w, d, &rockstream.Error{Class: rockstream.ClassNotFound, StatusCode: http.StatusNotFound,
			Message: "No stream " + r.PathValue("id") + " to resume: it never existed or its resume window has passed.",
			Err:     &openai.ParamError{Param: "id", Code: "stream_not_found"}})
		return
	}
	// No reader was sent an event the producer has not made yet.
	newest, err := j.newestID(ctx)
	if err != nil {
		g.journals.detach(j)
		writeError(w, d, rockstream.AsError(err))
		return
	}
	if after > newest {
		g.journals.detach(j)
		e := rockstream.Validationf("Last-Event-ID %d is past the end of stream %s, whose last event so far is %d.", after, j.streamID(), newest)
		e.Err = &openai.ParamError{Param: "Last-Event-ID", Code: "invalid_value"}
		writeError(w, d, e)
		return
	}
	g.follow(w, ctx, j, after)
}

// stop serves DELETE /v1/streams/{id}: the client's Stop. Under the Finish
// policy a stream outlives its reader so it can resume; this ends it and
// its upstream request at once. Only the key that started it can.
func (g *Gateway) stop(w http.ResponseWriter, r *http.Request, d dialect) {
	if !g.journals.stop(r.Context(), r.PathValue("id"), g.verifiedKey(r)) {
		writeError(w, d, &rockstream.Error{Class: rockstream.ClassNotFound, StatusCode: http.StatusNotFound,
			Message: "No stream " + r.PathValue("id") + " to stop: it never existed or has ended.",
			Err:     &openai.ParamError{Param: "id", Code: "stream_not_found"}})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
