package gateway

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/server/internal/browser"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// handlerFunc is a gateway handler, given the dialect its errors speak.
type handlerFunc func(w http.ResponseWriter, r *http.Request, d dialect)

// access wraps h with what every endpoint needs: CORS, refusal during
// shutdown, API keys and the body limit. A nil d picks the dialect from
// the request: Anthropic's SDKs send anthropic-version.
func (g *Gateway) access(d dialect, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dd := d
		if dd == nil {
			dd = dialectOf(r)
		}
		g.cors(w, r)
		if err := g.checkOrigin(r); err != nil {
			writeError(w, dd, err)
			return
		}
		if g.streams.Closing() {
			writeError(w, dd, relay.ShutdownError())
			return
		}
		if err := g.authenticate(r); err != nil {
			writeError(w, dd, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, g.opts.MaxBodyBytes)
		h(w, r, dd)
	})
}

func dialectOf(r *http.Request) dialect {
	if r.Header.Get("anthropic-version") != "" {
		return anthropicDialect{}
	}
	return openaiDialect{}
}

// authenticate checks the caller's API key, when keys are configured or
// required.
func (g *Gateway) authenticate(r *http.Request) *rockstream.Error {
	if len(g.opts.APIKeys) == 0 && !g.opts.RequireKeys {
		return nil
	}
	key := presentedKey(r)
	if key == "" {
		return authError("Missing API key: send it as \"Authorization: Bearer <key>\" or \"x-api-key: <key>\".")
	}
	for _, k := range g.opts.APIKeys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			return nil
		}
	}
	return authError("Incorrect API key provided.")
}

// presentedKey is the API key r carries: x-api-key, else the bearer token.
func presentedKey(r *http.Request) string {
	key := r.Header.Get("x-api-key")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
		key = strings.TrimSpace(bearer)
	}
	return key
}

// verifiedKey is the API key authenticate checked r's caller against, or
// "" when the gateway checks none.
func (g *Gateway) verifiedKey(r *http.Request) string {
	if len(g.opts.APIKeys) == 0 {
		return ""
	}
	return presentedKey(r)
}

func authError(msg string) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassAuth, StatusCode: http.StatusUnauthorized, Message: msg,
		Err: &openai.ParamError{Code: "invalid_api_key"}}
}

// allowedOrigin is the Access-Control-Allow-Origin value for r, or "".
func (g *Gateway) allowedOrigin(r *http.Request) string {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	if slices.Contains(g.opts.CORSOrigins, origin) || slices.Contains(g.opts.CORSOrigins, "*") {
		return origin
	}
	return ""
}

func (g *Gateway) cors(w http.ResponseWriter, r *http.Request) {
	origin := g.allowedOrigin(r)
	if origin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", HeaderStreamID+", Retry-After, Request-Id, X-Request-Id")
}

// checkOrigin refuses a browser request from an origin that is neither
// the server's own (the web page) nor one of CORSOrigins, before any work:
// a page elsewhere must not drive the API with the user's network
// position, whatever the request's method or content type.
func (g *Gateway) checkOrigin(r *http.Request) *rockstream.Error {
	if browser.OriginAllowed(r, g.opts.CORSOrigins) {
		return nil
	}
	return originError()
}

func originError() *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassAccessDenied, StatusCode: http.StatusForbidden,
		Message: "Requests from this Origin are not allowed: only the server's own page and the configured CORS origins may call it."}
}

// requireJSON refuses a body that is not declared JSON with 415 before
// reading it: text/plain and form bodies are what another site's page can
// send without a preflight, and every SDK of these APIs sends
// application/json.
func requireJSON(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, d dialect) {
		if ct := r.Header.Get("Content-Type"); !browser.IsJSON(ct) {
			e := rockstream.Validationf("The request body must be JSON, sent with Content-Type: application/json.")
			e.StatusCode = http.StatusUnsupportedMediaType
			writeError(w, d, e)
			return
		}
		h(w, r, d)
	}
}

// RequireKey guards h (the /metrics page) as the gateway's own endpoints
// are guarded: when the gateway checks API keys, a caller without one is
// refused with 401 in OpenAI's error shape.
func (g *Gateway) RequireKey(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.authenticate(r); err != nil {
			writeError(w, openaiDialect{}, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// preflight answers CORS preflight requests for the gateway's routes.
func (g *Gateway) preflight(w http.ResponseWriter, r *http.Request) {
	if g.allowedOrigin(r) == "" {
		writeError(w, dialectOf(r), originError())
		return
	}
	g.cors(w, r)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// readBody reads a request body within the limit access set.
func readBody(r *http.Request) ([]byte, *rockstream.Error) {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, StatusCode: http.StatusRequestEntityTooLarge,
			Message: "The request body is larger than " + strconv.FormatInt(tooBig.Limit, 10) + " bytes."}
	}
	if err != nil {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, StatusCode: http.StatusBadRequest,
			Message: "The request body could not be read."}
	}
	return body, nil
}

// writeError answers e in d's shape, with Retry-After when the caller
// should come back later.
func writeError(w http.ResponseWriter, d dialect, e *rockstream.Error) {
	e = wire.Public(e, wire.ResponseRequestID(w.Header()))
	status, body := d.errorResponse(e)
	if e.Class == rockstream.ClassValidation && e.StatusCode > 400 && e.StatusCode < 500 {
		// 413, 415: more precise than the dialect's 400 for its class.
		status = e.StatusCode
	}
	h := w.Header()
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == 529 {
		secs := int64(math.Ceil(e.RetryAfter.Seconds()))
		h.Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	if e.RequestID != "" {
		h.Set("X-Request-Id", e.RequestID)
	}
	h.Set("Content-Type", "application/json")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("gateway: marshal: " + err.Error())
	}
	return b
}
