// Package web is rockstream's chat page: a prompt box that streams an answer
// from the gateway's Anthropic-compatible /v1/messages endpoint, renders it as
// Markdown (tables and code blocks with a copy button included, re-rendering
// only the block still being written), resumes it after a dropped connection,
// and offers Retry when the server cannot be reached. It selects the workshop
// lab's model when the server lists it. Everything the page needs is embedded
// in the binary; it loads nothing from other origins.
//
// The page calls GET /v1/models, POST /v1/messages and GET /v1/streams/{id}
// on the server it came from. Its URL takes optional parameters: model (the
// model to select), and pace, fault and seed, sent as the builtin model's
// X-Rockstream-Pace, X-Rockstream-Fault and X-Rockstream-Seed headers, so a
// demo can show a slow stream, an error or a resume:
//
//	http://127.0.0.1:8080/?pace=ttft=800ms,tps=15&fault=ThrottlingException
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"
)

//go:embed static/*.html static/*.css static/*.js static/*.svg
var static embed.FS

// ContentSecurityPolicy is sent with every response: the page runs only its
// own scripts and styles and talks only to the server it came from, so model
// output that slips past the renderer still cannot load or run anything.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// contentTypes is fixed here rather than taken from the system's MIME table,
// which differs between machines and may lack .js or .svg.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

type handler struct {
	assets map[string]asset // by URL path
}

// Handler serves the page at "/" and its assets at "/<name>". Any other path
// is 404, so the handler can be mounted at "GET /" next to API routes.
func Handler() http.Handler {
	h := &handler{assets: make(map[string]asset)}
	entries, err := fs.ReadDir(static, "static")
	if err != nil {
		panic("web: embedded files missing: " + err.Error()) // impossible: checked at compile time
	}
	for _, e := range entries {
		body, err := static.ReadFile("static/" + e.Name())
		if err != nil {
			panic("web: embedded file unreadable: " + err.Error())
		}
		sum := sha256.Sum256(body)
		a := asset{
			body:        body,
			contentType: contentTypes[path.Ext(e.Name())],
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
		}
		h.assets["/"+e.Name()] = a
		if e.Name() == "index.html" {
			h.assets["/"] = a
		}
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := h.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", a.etag)
	// Revalidate every load so a new binary's page is picked up at once;
	// the ETag keeps that to a 304.
	hdr.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
