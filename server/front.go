package server

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/server/internal/browser"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// frontDoor is what every request passes before the mux: the Host check
// (a loopback server answers only this machine's names, so a DNS-rebound
// name cannot reach it from a web page), the Origin check for the paths
// the gateway does not guard itself, and the routing failures the mux
// would answer in plain text or with a redirect (unknown path, wrong
// method, a path to clean), answered here in the surface's own shape.
type frontDoor struct {
	mux     *http.ServeMux
	anyHost bool
	hosts   []string
	origins []string
}

func (f *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := surfaceOf(r)
	if !f.anyHost && !hostAllowed(r.Host, f.hosts) {
		refuse(w, r, s, http.StatusForbidden, "AccessDeniedException",
			"This server answers only to its loopback names (localhost, 127.0.0.1, [::1]) and the names given with --allow-host; the request's Host is not one of them.")
		return
	}
	// The gateway checks Origin on its own routes against its CORS origins.
	if s != gatewaySurface && !browser.OriginAllowed(r, f.origins) {
		refuse(w, r, s, http.StatusForbidden, "AccessDeniedException",
			"Requests from this Origin are not allowed: only the server's own page and the configured CORS origins may call it.")
		return
	}
	if path := r.URL.EscapedPath(); r.Method != http.MethodConnect && cleanPath(path) != path {
		// The mux would redirect to the cleaned path; no client of these
		// APIs sends one, so it is simply not an operation.
		notFound(w, r, s)
		return
	}
	if s != webSurface && !f.routes(r) {
		if allow := f.allowedMethods(r); allow != "" {
			w.Header().Set("Allow", allow)
			refuse(w, r, s, http.StatusMethodNotAllowed, "UnknownOperationException",
				"The method "+r.Method+" is not allowed on this path; it allows "+allow+".")
			return
		}
		notFound(w, r, s)
		return
	}
	f.mux.ServeHTTP(w, r)
}

// routes reports whether the mux has an API route of r's own for r: not
// the web page's catch-all "GET /", nor the mux's fallbacks (404, 405 and
// the redirect from "/tree" to a "/tree/" subtree).
func (f *frontDoor) routes(r *http.Request) bool {
	_, pattern := f.mux.Handler(r)
	if pattern == "" {
		return false
	}
	p := pattern
	if _, after, ok := strings.Cut(pattern, " "); ok {
		p = after
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		p = p[i:] // drop a host
	}
	if p == "/" {
		return false
	}
	return !strings.HasSuffix(p, "/") || strings.HasPrefix(r.URL.EscapedPath(), p)
}

// allowedMethods lists the methods the mux has an API route for at r's
// path, for a 405's Allow header; "" when there are none.
func (f *frontDoor) allowedMethods(r *http.Request) string {
	var allow []string
	// OPTIONS is left out: the gateway answers it on every /v1 path, for
	// CORS preflights only.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		other := r.WithContext(r.Context())
		other.Method = m
		if f.routes(other) {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

// surface is which API a path belongs to, and so which error shape its
// failures take.
type surface int

const (
	webSurface     surface = iota // the page and its assets: plain text
	bedrockSurface                // Bedrock Runtime and control plane: Bedrock JSON
	gatewaySurface                // /v1: OpenAI's or Anthropic's JSON
)

// surfaceOf classifies r by the first segment of its path, decoded once
// as the mux decodes it and with repeated slashes ignored, so that
// "//model/x" and "/%761/x" are still API paths.
func surfaceOf(r *http.Request) surface {
	first, _, _ := strings.Cut(strings.TrimLeft(r.URL.EscapedPath(), "/"), "/")
	if seg, err := url.PathUnescape(first); err == nil {
		first = seg
	}
	switch first {
	case "v1":
		return gatewaySurface
	case "model", "foundation-models", "inference-profiles", "guardrail", "guardrail-checks", "async-invoke",
		"metrics", "healthz":
		return bedrockSurface
	}
	return webSurface
}

// isAnthropic reports whether a /v1 request speaks Anthropic's API: its
// SDKs send anthropic-version, and /v1/messages is theirs.
func isAnthropic(r *http.Request) bool {
	return r.Header.Get("anthropic-version") != "" || strings.HasPrefix(cleanPath(r.URL.EscapedPath()), "/v1/messages")
}

// notFound answers a path no operation serves.
func notFound(w http.ResponseWriter, r *http.Request, s surface) {
	refuse(w, r, s, http.StatusNotFound, "UnknownOperationException", "No operation is served at this path.")
}

// refuse answers status in s's error shape; code names the Bedrock
// exception.
func refuse(w http.ResponseWriter, r *http.Request, s surface, status int, code, message string) {
	switch s {
	case bedrockSurface:
		if rockstream.IsBedrockException(code) {
			e := rockstream.BedrockError(code, message)
			e.StatusCode = status
			wire.WriteError(w, e)
			return
		}
		wire.WriteException(w, status, code, message)
	case gatewaySurface:
		e := &rockstream.Error{Class: classOf(status), StatusCode: status, Message: message,
			Err: &openai.ParamError{}}
		var body []byte
		if isAnthropic(r) {
			_, body = anthropic.ErrorResponse(e)
		} else {
			_, body = openai.ErrorResponse(e)
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Del("Content-Length")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	default:
		http.Error(w, message, status)
	}
}

func classOf(status int) rockstream.ErrorClass {
	switch status {
	case http.StatusForbidden:
		return rockstream.ClassAccessDenied
	case http.StatusNotFound:
		return rockstream.ClassNotFound
	}
	return rockstream.ClassValidation
}

// cleanPath is p as the mux would clean it before matching: no "." or
// ".." segments, no repeated slashes, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
