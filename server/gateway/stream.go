package gateway

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// streamCall is one streaming request, ready to run.
type streamCall struct {
	d     dialect
	enc   relay.Encoder
	req   *rockstream.Request
	ctx   context.Context // the request's context, with backend overrides
	id    string
	key   string // the caller's verified API key, "" when none is checked
	start time.Time
}

func newStreamID() string { return rand.Text() }

// stream serves a streaming request: through a journal when resume is on,
// straight from the backend otherwise.
func (g *Gateway) stream(w http.ResponseWriter, c *streamCall) {
	if c.req.Wire != nil {
		// A backend that speaks the caller's wire relays it unchanged.
		pt := &relay.Passthrough{Enc: c.enc, Unit: c.d.unit}
		c.req.Wire.Relay, c.enc = pt.Relay, pt
	}
	if g.opts.Resume.Retention > 0 {
		pctx, cancel := context.WithCancelCause(context.WithoutCancel(c.ctx))
		untrack, refused := g.streams.Admit(c.key, cancel)
		if refused != nil {
			cancel(nil)
			writeError(w, c.d, refused)
			return
		}
		if j, ok := g.journals.admit(c.id, c.key, c.d, cancel); ok {
			g.streamJournaled(w, c, j, pctx, cancel, untrack)
			return
		}
		untrack()
		cancel(nil)
		w.Header().Set(HeaderResume, "unavailable")
		g.log.LogAttrs(c.ctx, slog.LevelWarn, "stream not resumable: live streams fill the resume journals' bounds",
			slog.String("stream_id", c.id))
	}
	g.streamDirect(w, c)
}

// streamDirect relays the backend's events to the reader as they come: a
// slow reader slows the backend, and nothing is buffered.
func (g *Gateway) streamDirect(w http.ResponseWriter, c *streamCall) {
	ctx, cancel := context.WithCancelCause(c.ctx)
	defer cancel(nil)
	untrack, refused := g.streams.Admit(c.key, cancel)
	if refused != nil {
		writeError(w, c.d, refused)
		return
	}
	defer untrack()
	src := relay.NewEncoded(ctx, g.opts.Backend, c.req, c.enc)
	res := relay.Run(ctx, relay.Stream{
		Source: src, Sink: newSSESink(w, c.d, g.opts.WriteTimeout, c.id),
		Cancel: cancel, Keepalive: g.opts.Keepalive,
	})
	g.logStream(c, src.Events, res)
	if res.Outcome == relay.Aborted {
		panic(http.ErrAbortHandler)
	}
}

func (g *Gateway) logStream(c *streamCall, events int, res relay.Result) {
	attrs := []slog.Attr{
		slog.String("stream_id", c.id), slog.String("dialect", c.d.name()),
		slog.String("model", c.req.Model), slog.Duration("duration", time.Since(c.start)),
		slog.Int("events", events), slog.String("outcome", res.Outcome.String()),
	}
	level := slog.LevelInfo
	if res.Err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", res.Err.Error()))
	}
	g.log.LogAttrs(c.ctx, level, "stream", attrs...)
}
