package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/web"
)

func TestHandlerServesAssets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", `<script type="module" src="/app.js">`},
		{"/index.html", "text/html; charset=utf-8", "<title>rockstream</title>"},
		{"/app.js", "text/javascript; charset=utf-8", "streamMessage"},
		{"/sse.js", "text/javascript; charset=utf-8", "class SSEParser"},
		{"/markdown.js", "text/javascript; charset=utf-8", "createTextNode"},
		{"/markdown-stream.js", "text/javascript; charset=utf-8", "class StreamRenderer"},
		{"/copy.js", "text/javascript; charset=utf-8", "navigator.clipboard"},
		{"/stream.js", "text/javascript; charset=utf-8", "Last-Event-ID"},
		{"/style.css", "text/css; charset=utf-8", "prefers-color-scheme: dark"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
	}
	h := web.Handler()
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
				t.Errorf("Content-Security-Policy = %q", got)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
		})
	}
}

func TestHandlerRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown file", "GET", "/nope.js", http.StatusNotFound},
		{"directory", "GET", "/static/", http.StatusNotFound},
		{"embedded prefix", "GET", "/static/app.js", http.StatusNotFound},
		{"traversal", "GET", "/../web.go", http.StatusNotFound},
		{"post", "POST", "/", http.StatusMethodNotAllowed},
	}
	h := web.Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy on an error response")
			}
		})
	}
}

func TestHandlerRevalidates(t *testing.T) {
	t.Parallel()
	h := web.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/app.js", nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("status with matching If-None-Match = %d, want 304", rec.Code)
	}
}

// The CSP forbids inline script and style, so the page must have none: no
// <script> without src, no on* attributes, no style attributes or elements.
func TestPageHasNoInlineCode(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`),
		regexp.MustCompile(`<script(?:(?:\s(?:type|async|defer)(?:="[^"]*")?)*)>`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`(?:src|href)="(?:https?:)?//`),
	} {
		if m := bad.Find(body); m != nil {
			t.Errorf("page has %q (matched %s)", m, bad)
		}
	}
}

// The page's scripts must not build HTML from strings: model output reaches
// the DOM only through the Markdown renderer's createElement/textContent.
func TestScriptsAvoidHTMLSinks(t *testing.T) {
	t.Parallel()
	h := web.Handler()
	sinks := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|srcdoc`)
	scripts, err := filepath.Glob(filepath.Join("static", "*.js"))
	if err != nil || len(scripts) < 4 {
		t.Fatalf("scripts %v: %v", scripts, err)
	}
	for _, file := range scripts {
		name := "/" + filepath.Base(file)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", name, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", name, rec.Code)
		}
		if m := sinks.FindString(rec.Body.String()); m != "" {
			t.Errorf("%s uses %s", name, m)
		}
	}
}
