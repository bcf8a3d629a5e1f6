package gateway

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// syncBuf is a log sink safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// send posts body to path with the given headers, Content-Type included
// only when given.
func send(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res, string(bodyOf(t, res))
}

func TestJSONEndpointsRefuseSimpleContentTypes(t *testing.T) {
	t.Parallel()
	fake := newFake(story("hi")...)
	srv, _ := newServer(t, Options{Backend: fake})
	countBody := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	for _, path := range []string{"/v1/chat/completions", "/v1/messages", "/v1/messages/count_tokens"} {
		body := chatBody
		if strings.HasPrefix(path, "/v1/messages") {
			body = messagesBody
		}
		if path == "/v1/messages/count_tokens" {
			body = countBody
		}
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			var hdr []string
			if ct != "" {
				hdr = []string{"Content-Type", ct}
			}
			res, got := send(t, "POST", srv.URL+path, body, hdr...)
			if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(got, "invalid_request_error") ||
				res.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s with %q: %d %s, want 415 in the dialect's shape", path, ct, res.StatusCode, got)
			}
		}
		// count_tokens gets past the check to a 400: the fake cannot count.
		if res, got := send(t, "POST", srv.URL+path, body, "Content-Type", "application/json; charset=utf-8"); res.StatusCode == 415 || res.StatusCode >= 500 {
			t.Errorf("%s with JSON: %d %s", path, res.StatusCode, got)
		}
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("backend called %d times, want 2 (the JSON requests that stream)", n)
	}
}

func TestCrossSiteOriginRefusedBeforeWork(t *testing.T) {
	t.Parallel()
	fake := newFake(story("hi")...)
	srv, _ := newServer(t, Options{Backend: fake, CORSOrigins: []string{"https://app.example"}})
	tests := []struct {
		name, method, path, body, origin string
		want                             int
		anthropic                        bool
	}{
		{"chat from another site", "POST", "/v1/chat/completions", chatBody, "https://evil.example", 403, false},
		{"messages from another site", "POST", "/v1/messages", messagesBody, "https://evil.example", 403, true},
		{"opaque origin", "POST", "/v1/messages", messagesBody, "null", 403, true},
		{"models from another site", "GET", "/v1/models", "", "http://localhost:3000", 403, false},
		{"delete from another site", "DELETE", "/v1/streams/x", "", "https://evil.example", 403, false},
		{"preflight from another site", "OPTIONS", "/v1/messages", "", "https://evil.example", 403, false},
		{"same origin (the web page)", "POST", "/v1/messages", messagesBody, srv.URL, 200, true},
		{"a configured origin", "POST", "/v1/chat/completions", chatBody, "https://app.example", 200, false},
	}
	for _, tt := range tests {
		res, got := send(t, tt.method, srv.URL+tt.path, tt.body, "Content-Type", "application/json", "Origin", tt.origin)
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, res.StatusCode, got, tt.want)
			continue
		}
		if tt.want == 403 {
			wantType := `"type":"permission_error"`
			if !strings.Contains(got, wantType) || res.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s: %s %v, want a permission_error without CORS headers", tt.name, got, res.Header)
			}
			if tt.anthropic && !strings.HasPrefix(got, `{"type":"error"`) {
				t.Errorf("%s: %s is not Anthropic's error shape", tt.name, got)
			}
		}
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("backend called %d times, want 2 (the allowed requests)", n)
	}
}

const secretErr = "dial tcp 10.0.0.1:443: secret"

func TestGoErrorTextStaysInTheLog(t *testing.T) {
	t.Parallel()
	var logs syncBuf
	fake := newFake(story("hi", " there")...)
	fake.failAt, fake.err = 0, errors.New(secretErr)
	srv, _ := newServer(t, Options{Backend: fake, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, tt := range []struct{ path, body string }{
		{"/v1/chat/completions", chatBody},
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`},
		{"/v1/messages", messagesBody},
		{"/v1/messages", `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`},
	} {
		res, got := send(t, "POST", srv.URL+tt.path, tt.body, "Content-Type", "application/json")
		if res.StatusCode != 500 || strings.Contains(got, "secret") || strings.Contains(got, "10.0.0.1") {
			t.Errorf("%s %s: %d %s, want a 500 without the error's text", tt.path, tt.body, res.StatusCode, got)
		}
	}
	// After the first event, the in-band error hides it too.
	fake.failAt = 1
	for _, tt := range []struct{ path, body string }{{"/v1/chat/completions", chatBody}, {"/v1/messages", messagesBody}} {
		res, got := send(t, "POST", srv.URL+tt.path, tt.body, "Content-Type", "application/json")
		if res.StatusCode != 200 || !strings.Contains(got, "error") || strings.Contains(got, "secret") {
			t.Errorf("%s in-band: %d %s", tt.path, res.StatusCode, got)
		}
	}
	if !strings.Contains(logs.String(), "secret") {
		t.Errorf("the log lacks the error's detail:\n%s", logs.String())
	}
}

func TestRequireKeyGuardsMetrics(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	g := Register(mux, Options{Backend: newFake(), APIKeys: []string{"k1"}, RequireKeys: true})
	page := g.RequireKey(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("metrics")) }))
	for key, want := range map[string]int{"": 401, "wrong": 401, "k1": 200} {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest("GET", "/metrics", nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		page.ServeHTTP(rec, req)
		if rec.Code != want || (want == 401 && !bytes.Contains(rec.Body.Bytes(), []byte("invalid_api_key"))) {
			t.Errorf("key %q: %d %s, want %d", key, rec.Code, rec.Body.String(), want)
		}
	}
}
