package gateway

import (
	"context"
	"crypto/rand"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
)

// streamCall is one streaming request, ready to run.
type streamCall struct {
	d     dialect
	enc   encoder
	req   *rockstream.Request
	ctx   context.Context // the request's context, with backend overrides
	id    string
	start time.Time
}

func newStreamID() string { return rand.Text() }

// stream serves a streaming request: through a journal when resume is on,
// straight from the backend otherwise.
func (g *Gateway) stream(w http.ResponseWriter, c *streamCall) {
	if g.opts.Resume.Retention > 0 {
		g.streamJournaled(w, c)
		return
	}
	g.streamDirect(w, c)
}

// streamDirect pulls events from the backend and writes each as it comes:
// a slow reader slows the backend, and nothing is buffered.
func (g *Gateway) streamDirect(w http.ResponseWriter, c *streamCall) {
	ctx, cancel := context.WithCancelCause(c.ctx)
	defer cancel(nil)
	untrack, ok := g.track(cancel)
	if !ok {
		writeError(w, c.d, shutdownError())
		return
	}
	defer untrack()

	sw := sse.NewWriter(w, g.opts.WriteTimeout)
	sw.Header().Set(HeaderStreamID, c.id)
	out := newOutput(sw, c.d, g.opts.Keepalive, cancel)
	defer out.close()

	next, stop := iter.Pull2(g.opts.Backend.Stream(ctx, c.req))
	defer stop()
	var events int
	for {
		ev, err, more := next()
		if !more {
			evs, err := c.enc.end()
			if err == nil {
				err = out.write(evs)
			}
			g.logStream(c, events, err)
			return
		}
		if err != nil {
			g.endWithError(w, c, out, ctx, err)
			return
		}
		events++
		evs, err := c.enc.encode(ev)
		if err != nil {
			g.endWithError(w, c, out, ctx, err)
			return
		}
		if err := out.write(evs); err != nil {
			g.logStream(c, events, err)
			return
		}
	}
}

// endWithError ends a stream the backend failed: a real status before the
// first byte, the dialect's in-band error after it, a dropped connection
// for rockstream.ErrAbort, and nothing for a reader that is gone.
func (g *Gateway) endWithError(w http.ResponseWriter, c *streamCall, out *output, ctx context.Context, err error) {
	g.logStream(c, -1, err)
	if errors.Is(err, rockstream.ErrAbort) {
		out.close()
		panic(http.ErrAbortHandler)
	}
	e := rockstream.AsError(err)
	if ctx.Err() != nil {
		if !errors.Is(context.Cause(ctx), errShutdown) {
			return // the reader left or its write failed: nobody to tell
		}
		e = shutdownError()
	}
	if out.respond(func() { writeError(w, c.d, e) }) {
		return
	}
	_ = out.write(c.enc.fail(e))
}

func (g *Gateway) logStream(c *streamCall, events int, err error) {
	attrs := []slog.Attr{
		slog.String("stream_id", c.id), slog.String("dialect", c.d.name()),
		slog.String("model", c.req.Model), slog.Duration("duration", time.Since(c.start)),
	}
	if events >= 0 {
		attrs = append(attrs, slog.Int("events", events))
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	g.log.LogAttrs(c.ctx, level, "stream", attrs...)
}
