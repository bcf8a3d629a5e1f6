package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/override"
	"github.com/rockstream/rockstream/quota"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// chatCompletions serves POST /v1/chat/completions.
func (g *Gateway) chatCompletions(w http.ResponseWriter, r *http.Request, d dialect) {
	var req *rockstream.Request
	var mode openai.StreamMode
	ctx, ok := g.readRequest(w, r, d, func(body []byte) (err error) {
		req, mode, err = openai.FromChatRequest(body)
		if err == nil && mode.Stream {
			req.Wire = &rockstream.Wire{API: rockstream.WireOpenAIChat, Body: body}
		}
		return err
	})
	if !ok {
		return
	}
	if !mode.Stream {
		resp, ok := g.complete(w, ctx, d, req, g.verifiedKey(r))
		if ok {
			id := "chatcmpl-" + newStreamID()
			writeJSON(w, openai.EncodeCompletion(resp, openai.ChunkInfo{ID: id, Model: req.Model, Created: time.Now().Unix()}))
		}
		return
	}
	id := newStreamID()
	g.stream(w, &streamCall{d: d, enc: newOpenAIEncoder(id, req.Model, mode.IncludeUsage), req: req, ctx: ctx, id: id, key: g.verifiedKey(r), start: time.Now()})
}

// messages serves POST /v1/messages, Anthropic's Messages API.
func (g *Gateway) messages(w http.ResponseWriter, r *http.Request, d dialect) {
	var req *rockstream.Request
	var stream bool
	ctx, ok := g.readRequest(w, r, d, func(body []byte) (err error) {
		req, stream, err = anthropic.FromMessagesRequest(body)
		if err == nil {
			anthropic.ApplyBetaHeader(req, r.Header.Get("anthropic-beta"))
		}
		if err == nil && stream {
			req.Wire = &rockstream.Wire{API: rockstream.WireAnthropicMessages, Body: body}
		}
		return err
	})
	if !ok {
		return
	}
	if !stream {
		if resp, ok := g.complete(w, ctx, d, req, g.verifiedKey(r)); ok {
			writeJSON(w, anthropic.EncodeMessage(resp))
		}
		return
	}
	id := newStreamID()
	g.stream(w, &streamCall{d: d, enc: &anthropicEncoder{enc: anthropic.NewSSEEncoder()}, req: req, ctx: ctx, id: id, key: g.verifiedKey(r), start: time.Now()})
}

// readRequest reads r's body, hands it to parse, and applies the
// per-request override headers. On failure it has answered in d's shape
// and returns false.
func (g *Gateway) readRequest(w http.ResponseWriter, r *http.Request, d dialect, parse func(body []byte) error) (context.Context, bool) {
	body, berr := readBody(r)
	if berr != nil {
		writeError(w, d, berr)
		return nil, false
	}
	if err := parse(body); err != nil {
		writeError(w, d, rockstream.AsError(err))
		return nil, false
	}
	ctx, oerr := g.withOverrides(r)
	if oerr != nil {
		writeError(w, d, oerr)
		return nil, false
	}
	// Quotas count against the key the caller was verified with.
	return quota.WithKey(ctx, g.verifiedKey(r)), true
}

// countTokens serves the Messages API's count_tokens: the input tokens
// the backend would charge for the request, without running it.
func (g *Gateway) countTokens(w http.ResponseWriter, r *http.Request, d dialect) {
	var req *rockstream.Request
	ctx, ok := g.readRequest(w, r, d, func(body []byte) (err error) {
		req, err = anthropic.FromCountTokensRequest(body)
		return err
	})
	if !ok {
		return
	}
	n, err := rockstream.CountTokens(ctx, g.opts.Backend, req)
	if err != nil {
		writeError(w, d, g.backendError(ctx, err))
		return
	}
	writeJSON(w, []byte(`{"input_tokens":`+strconv.Itoa(n)+`}`))
}

// complete runs a whole answer for a non-streaming request. On failure it
// has answered with the error and returns false.
// The caller's key counts it against the bounds on open streams.
func (g *Gateway) complete(w http.ResponseWriter, ctx context.Context, d dialect, req *rockstream.Request, key string) (*rockstream.Response, bool) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	untrack, refused := g.streams.Admit(key, cancel)
	if refused != nil {
		writeError(w, d, refused)
		return nil, false
	}
	defer untrack()
	var acc rockstream.Accumulator
	for ev, err := range g.opts.Backend.Stream(ctx, req) {
		if err == nil {
			err = acc.Add(ev)
		}
		if err != nil {
			if errors.Is(err, rockstream.ErrAbort) {
				panic(http.ErrAbortHandler)
			}
			e := g.backendError(ctx, err)
			if errors.Is(context.Cause(ctx), relay.ErrShutdown) {
				e = relay.ShutdownError()
			}
			writeError(w, d, e)
			return nil, false
		}
	}
	resp := acc.Response()
	return &resp, true
}

// backendError is a backend's failure as the caller's dialect answers it.
// When its text is kept from the caller (a Go error's words), the detail
// goes to the log under the request ID the caller is given instead.
func (g *Gateway) backendError(ctx context.Context, err error) *rockstream.Error {
	e := rockstream.AsError(err)
	if wire.Exposes(e) {
		g.log.LogAttrs(ctx, slog.LevelWarn, "request failed",
			slog.String("request_id", wire.RequestIDFrom(ctx)), slog.String("error", err.Error()))
	}
	return e
}

// withOverrides carries r's per-request overrides (X-Rockstream-Pace,
// -Fault, -Seed) in the context for the backend. The caller is already
// authenticated; a malformed header is a validation error and a test
// header from a caller the gateway does not trust is access denied, both
// for the caller's dialect to answer.
func (g *Gateway) withOverrides(r *http.Request) (context.Context, *rockstream.Error) {
	trust := override.Trust{Keys: g.opts.TestHeaderKeys}
	if err := trust.Check(r.Header, override.Caller{RemoteAddr: r.RemoteAddr, Key: g.verifiedKey(r)}); err != nil {
		return nil, override.AsError(err)
	}
	o, err := override.ParseHeaders(r.Header)
	if err != nil {
		return nil, override.AsError(err)
	}
	return override.With(r.Context(), o), nil
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// models serves GET /v1/models in OpenAI's shape, or Anthropic's when the
// caller sends anthropic-version.
func (g *Gateway) models(w http.ResponseWriter, r *http.Request, d dialect) {
	ids := g.modelIDs()
	if _, ok := d.(anthropicDialect); ok {
		type model struct {
			Type        string `json:"type"`
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			CreatedAt   string `json:"created_at"`
		}
		list := struct {
			Data    []model `json:"data"`
			HasMore bool    `json:"has_more"`
			FirstID *string `json:"first_id"`
			LastID  *string `json:"last_id"`
		}{Data: []model{}}
		for _, id := range ids {
			list.Data = append(list.Data, model{Type: "model", ID: id, DisplayName: id, CreatedAt: "2024-01-01T00:00:00Z"})
		}
		if n := len(ids); n > 0 {
			list.FirstID, list.LastID = &ids[0], &ids[n-1]
		}
		writeJSON(w, mustJSON(list))
		return
	}
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range ids {
		list.Data = append(list.Data, model{ID: id, Object: "model", OwnedBy: "rockstream"})
	}
	writeJSON(w, mustJSON(list))
}

func (g *Gateway) modelIDs() []string {
	if g.opts.Models != nil {
		return g.opts.Models()
	}
	var ids []string
	for _, m := range catalog.Models() {
		if m.Streaming {
			ids = append(ids, m.ID)
		}
	}
	return ids
}
