package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/internal/sse"
)

// streamJournaled runs the backend in a producer goroutine that writes
// into a journal, and follows the journal. The producer outlives the
// request only under the Finish policy, and never its retention window.
func (g *Gateway) streamJournaled(w http.ResponseWriter, c *streamCall) {
	pctx, cancel := context.WithCancelCause(context.WithoutCancel(c.ctx))
	untrack, ok := g.track(cancel)
	if !ok {
		cancel(nil)
		writeError(w, c.d, shutdownError())
		return
	}
	j := newJournal(c.id, c.d, g.opts.Resume.MaxEvents, cancel)
	g.journals.add(j)
	go func() {
		defer untrack()
		defer cancel(nil)
		g.produce(pctx, j, c)
	}()
	g.follow(w, c.ctx, j, 0)
}

// produce pulls the backend's events into the journal; every wait selects
// on ctx, which the reader leaving, retention and shutdown cancel.
func (g *Gateway) produce(ctx context.Context, j *journal, c *streamCall) {
	var events int
	fail := func(err error) {
		g.logStream(c, events, err)
		if errors.Is(err, rockstream.ErrAbort) {
			j.finish(nil, true)
			return
		}
		e := rockstream.AsError(err)
		if ctx.Err() != nil {
			e = causeError(context.Cause(ctx))
		}
		if events == 0 {
			j.finish(e, false)
			return
		}
		// The journal may be full and nobody reading: the last events go
		// in regardless of the bound.
		j.appendFinal(c.enc.fail(e))
		j.finish(nil, false)
	}
	for ev, err := range g.opts.Backend.Stream(ctx, c.req) {
		if err != nil {
			fail(err)
			return
		}
		events++
		evs, err := c.enc.encode(ev)
		if err == nil {
			err = j.append(ctx, evs)
		}
		if err != nil {
			fail(err)
			return
		}
	}
	evs, err := c.enc.end()
	if err == nil {
		err = j.append(ctx, evs)
	}
	if err != nil {
		fail(err)
		return
	}
	g.logStream(c, events, nil)
	j.finish(nil, false)
}

// causeError is what a reader is told about a producer that was stopped.
func causeError(cause error) *rockstream.Error {
	switch {
	case errors.Is(cause, errShutdown):
		return shutdownError()
	case errors.Is(cause, errStopped):
		return &rockstream.Error{Class: rockstream.ClassInterrupted, StatusCode: http.StatusBadGateway,
			Message: "The stream was stopped by its client.", Err: cause}
	case errors.Is(cause, errReaderLeft), errors.Is(cause, errExpired):
		return &rockstream.Error{Class: rockstream.ClassInterrupted, StatusCode: http.StatusBadGateway,
			Message: "The stream was stopped after its reader disconnected.", Err: cause}
	}
	return rockstream.AsError(cause)
}

// follow sends a journal's events after seq to one reader, live, with
// keepalives, until the stream is done or the reader leaves.
func (g *Gateway) follow(w http.ResponseWriter, ctx context.Context, j *journal, after int64) {
	defer g.journals.detach(j, g.opts.Resume.OnDisconnect, g.opts.Resume.Retention)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sw := sse.NewWriter(w, g.opts.WriteTimeout)
	sw.Header().Set(HeaderStreamID, j.id)
	out := newOutput(sw, j.d, g.opts.Keepalive, cancel)
	out.lastSeq = after
	defer out.close()
	for {
		evs, done, err := j.read(ctx, after)
		if errors.Is(err, errGone) {
			e := &rockstream.Error{Class: rockstream.ClassValidation, StatusCode: http.StatusGone,
				Message: "The events after Last-Event-ID " + strconv.FormatInt(after, 10) + " are no longer kept."}
			if !out.respond(func() { writeError(w, j.d, e) }) {
				_ = out.write([]sse.Event{j.d.inBandError(e)})
			}
			return
		}
		if err != nil {
			return // the reader left
		}
		if done {
			preErr, aborted := j.outcome()
			if aborted {
				out.close()
				panic(http.ErrAbortHandler)
			}
			if preErr != nil && !out.respond(func() { writeError(w, j.d, preErr) }) {
				_ = out.write([]sse.Event{j.d.inBandError(preErr)})
			}
			return
		}
		if err := out.write(evs); err != nil {
			return
		}
		after, _ = strconv.ParseInt(evs[len(evs)-1].ID, 10, 64)
		j.sent(after)
	}
}

// resume serves GET /v1/streams/{id}: the events after Last-Event-ID (the
// header, or ?last_event_id=), then the rest live.
func (g *Gateway) resume(w http.ResponseWriter, r *http.Request, d dialect) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	var after int64
	if last = strings.TrimSpace(last); last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			writeError(w, d, rockstream.Validationf("Last-Event-ID %q is not an event ID of this stream.", last))
			return
		}
		after = n
	}
	j, ok := g.journals.attach(r.PathValue("id"))
	if !ok {
		writeError(w, d, &rockstream.Error{Class: rockstream.ClassNotFound, StatusCode: http.StatusNotFound,
			Message: "No stream " + r.PathValue("id") + " to resume: it never existed or its resume window has passed.",
			Err:     &openai.ParamError{Param: "id", Code: "stream_not_found"}})
		return
	}
	g.follow(w, r.Context(), j, after)
}

// stop serves DELETE /v1/streams/{id}: the client's Stop. Under the Finish
// policy a stream outlives its reader so it can resume; this ends it and
// its upstream request at once.
func (g *Gateway) stop(w http.ResponseWriter, r *http.Request, d dialect) {
	if !g.journals.stop(r.PathValue("id")) {
		writeError(w, d, &rockstream.Error{Class: rockstream.ClassNotFound, StatusCode: http.StatusNotFound,
			Message: "No stream " + r.PathValue("id") + " to stop: it never existed or has ended.",
			Err:     &openai.ParamError{Param: "id", Code: "stream_not_found"}})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
