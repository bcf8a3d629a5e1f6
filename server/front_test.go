package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/metrics"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
	"github.com/rockstream/rockstream/web"
)

// serveConfig is what `rockstream serve` decides from its flags.
type serveConfig struct {
	open       bool // listening beyond loopback
	keys       []string
	allowHosts []string
}

// serveLike builds the server as cmd/rockstream/serve.go does: the
// runtime, the gateway, /metrics behind the gateway's keys, and the page.
// It returns the server's address (host:port).
func serveLike(t *testing.T, b rockstream.Backend, c serveConfig) string {
	t.Helper()
	if b == nil {
		b = fakebackend.New(fakebackend.Story())
	}
	m := metrics.New()
	instrumented := m.Instrument(b)
	srv, err := server.New(server.Options{
		Backend:    instrumented,
		AllowHosts: c.allowHosts,
		AnyHost:    c.open && len(c.allowHosts) == 0,
		Mount: func(mux *http.ServeMux) {
			gw := gateway.Register(mux, gateway.Options{Backend: instrumented, APIKeys: c.keys, RequireKeys: c.open})
			mux.Handle("GET /metrics", gw.RequireKey(m.Handler()))
			mux.Handle("GET /", web.Handler())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return strings.TrimPrefix(ts.URL, "http://")
}

// raw sends one HTTP/1.1 request exactly as written (the path is not
// cleaned or escaped by a client) and returns the response and its body.
// Without an Authorization header among header, it sends a bearer token.
func raw(t *testing.T, addr, method, target, host, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Length: %d\r\n", method, target, host, len(body))
	authorized := false
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&sb, "%s: %s\r\n", header[i], header[i+1])
		authorized = authorized || strings.EqualFold(header[i], "Authorization")
	}
	if !authorized {
		// Mode any's Bedrock Runtime takes any well-formed credential.
		sb.WriteString("Authorization: Bearer test\r\n")
	}
	sb.WriteString("\r\n" + body)
	if _, err := io.WriteString(conn, sb.String()); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %.80s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// counting counts the streams its backend is asked for.
type counting struct {
	*fakebackend.Backend
	n atomic.Int32
}

func (c *counting) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	c.n.Add(1)
	return c.Backend.Stream(ctx, req)
}

// shape is the error shape a body must have.
type shape int

const (
	bedrockShape shape = iota
	openaiShape
	anthropicShape
	plainShape
)

// checkShape reports how body (with res's headers) fails to be an error
// in shape s, or "".
func checkShape(res *http.Response, body []byte, s shape) string {
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return "a redirect to " + res.Header.Get("Location")
	}
	if res.StatusCode < 400 || res.StatusCode > 499 {
		return "not a 4xx"
	}
	if s == plainShape {
		return ""
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		return "Content-Type " + ct
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "not JSON: " + err.Error()
	}
	switch s {
	case bedrockShape:
		if _, ok := m["__type"].(string); !ok || m["message"] == nil || res.Header.Get("X-Amzn-Errortype") == "" {
			return "not Bedrock's error shape"
		}
	case openaiShape:
		if e, ok := m["error"].(map[string]any); !ok || e["message"] == nil || e["type"] == nil {
			return "not OpenAI's error shape"
		}
	case anthropicShape:
		if m["type"] != "error" || m["error"] == nil {
			return "not Anthropic's error shape"
		}
	}
	return ""
}

const (
	haikuModel = "/model/anthropic.claude-3-haiku-20240307-v1%3A0"
	converse   = `{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`
	chat       = `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	messages   = `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`
)

// TestHostileHostsAreRefused: a loopback server answers its loopback
// names with any port, and refuses every other Host (DNS rebinding) in the
// path's error shape before any work.
func TestHostileHostsAreRefused(t *testing.T) {
	t.Parallel()
	fake := &counting{Backend: fakebackend.New(fakebackend.Story())}
	addr := serveLike(t, fake, serveConfig{})
	good := []string{"localhost", "localhost:8080", "LOCALHOST.:1", "127.0.0.1", "127.0.0.2:9", "[::1]", "[::1]:8080", "app.localhost:3000", addr}
	bad := []string{"rebind.evil.example", "rebind.evil.example:8080", "127.0.0.1.nip.example", "localhost.evil.example", "10.0.0.1:8080", "[::2]:8080", "0.0.0.0"}
	requests := []struct {
		method, path, body string
		header             []string
		shape              shape
	}{
		{"POST", "/v1/chat/completions", chat, []string{"Content-Type", "application/json"}, openaiShape},
		{"POST", "/v1/messages", messages, []string{"Content-Type", "application/json"}, anthropicShape},
		{"GET", "/v1/models", "", nil, openaiShape},
		{"POST", haikuModel + "/converse", converse, []string{"Content-Type", "application/json"}, bedrockShape},
		{"GET", "/foundation-models", "", nil, bedrockShape},
		{"GET", "/metrics", "", nil, bedrockShape},
		{"GET", "/", "", nil, plainShape},
	}
	for _, rq := range requests {
		for _, host := range bad {
			res, body := raw(t, addr, rq.method, rq.path, host, rq.body, rq.header...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s, Host %s: %d %.200s, want 403", rq.method, rq.path, host, res.StatusCode, body)
			} else if why := checkShape(res, body, rq.shape); why != "" {
				t.Errorf("%s %s, Host %s: %s: %s", rq.method, rq.path, host, why, body)
			}
		}
		for _, host := range good {
			if res, body := raw(t, addr, rq.method, rq.path, host, rq.body, rq.header...); res.StatusCode != 200 {
				t.Errorf("%s %s, Host %s: %d %.200s, want 200", rq.method, rq.path, host, res.StatusCode, body)
			}
		}
	}
	if n := int(fake.n.Load()); n != 3*len(good) {
		t.Errorf("the backend ran %d requests, want %d: refused ones must do no work", n, 3*len(good))
	}
}

func TestAllowHostAndOpenServer(t *testing.T) {
	t.Parallel()
	allowed := serveLike(t, nil, serveConfig{allowHosts: []string{"dev.example", "*.corp.example"}})
	for host, want := range map[string]int{
		"dev.example:8080": 200, "DEV.example": 200, "a.corp.example": 200, "b.a.corp.example:1": 200,
		"corp.example": 403, "evil.example": 403, "dev.example.evil": 403, "localhost:1": 200,
	} {
		if res, _ := raw(t, allowed, "GET", "/healthz", host, ""); res.StatusCode != want {
			t.Errorf("allow-host server, Host %s: %d, want %d", host, res.StatusCode, want)
		}
	}
	// Beyond loopback the keys guard the server and any Host is answered;
	// given hosts turn the check back on.
	open := serveLike(t, nil, serveConfig{open: true, keys: []string{"k1"}})
	if res, _ := raw(t, open, "GET", "/healthz", "server.lan:8080", ""); res.StatusCode != 200 {
		t.Errorf("open server: %d, want 200", res.StatusCode)
	}
	openAllowed := serveLike(t, nil, serveConfig{open: true, keys: []string{"k1"}, allowHosts: []string{"api.example"}})
	if res, _ := raw(t, openAllowed, "GET", "/healthz", "server.lan:8080", ""); res.StatusCode != 403 {
		t.Errorf("open server with --allow-host: %d, want 403", res.StatusCode)
	}
}

// TestCrossSiteRequestsRefused: a page on another origin can neither send
// a simple (preflight-free) request to a JSON endpoint nor call with its
// Origin; the server's own page can.
func TestCrossSiteRequestsRefused(t *testing.T) {
	t.Parallel()
	fake := &counting{Backend: fakebackend.New(fakebackend.Story())}
	addr := serveLike(t, fake, serveConfig{})
	own := "http://" + addr
	tests := []struct {
		name, path, body string
		header           []string
		want             int
		shape            shape
	}{
		{"chat as text/plain", "/v1/chat/completions", chat, []string{"Content-Type", "text/plain"}, 415, openaiShape},
		{"messages as a form", "/v1/messages", messages, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, anthropicShape},
		{"count_tokens as multipart", "/v1/messages/count_tokens", chat, []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, anthropicShape},
		{"converse as text/plain", haikuModel + "/converse", converse, []string{"Content-Type", "text/plain"}, 415, bedrockShape},
		{"converse-stream as a form", haikuModel + "/converse-stream", converse, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, bedrockShape},
		{"count-tokens as text/plain", haikuModel + "/count-tokens", converse, []string{"Content-Type", "text/plain;charset=UTF-8"}, 415, bedrockShape},
		{"invoke as text/plain", haikuModel + "/invoke", `{}`, []string{"Content-Type", "text/plain"}, 415, bedrockShape},
		{"messages from another site", "/v1/messages", messages, []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403, anthropicShape},
		{"chat from another local port", "/v1/chat/completions", chat, []string{"Content-Type", "application/json", "Origin", "http://localhost:3000"}, 403, openaiShape},
		{"converse from another site", haikuModel + "/converse", converse, []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403, bedrockShape},
		{"invoke from a sandboxed frame", haikuModel + "/invoke", `{}`, []string{"Origin", "null"}, 403, bedrockShape},
	}
	for _, tt := range tests {
		res, body := raw(t, addr, "POST", tt.path, addr, tt.body, tt.header...)
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, res.StatusCode, body, tt.want)
		} else if why := checkShape(res, body, tt.shape); why != "" {
			t.Errorf("%s: %s: %s", tt.name, why, body)
		}
	}
	if n := int(fake.n.Load()); n != 0 {
		t.Errorf("the backend ran %d refused requests", n)
	}
	// The page at / calls the API from its own origin.
	for _, path := range []string{"/v1/messages", "/v1/chat/completions"} {
		body := messages
		if path == "/v1/chat/completions" {
			body = chat
		}
		if res, got := raw(t, addr, "POST", path, addr, body, "Content-Type", "application/json", "Origin", own); res.StatusCode != 200 {
			t.Errorf("same-origin %s: %d %s", path, res.StatusCode, got)
		}
	}
	// The SDKs' content types for InvokeModel: none (boto3), octet-stream
	// (Go, JS), JSON (Anthropic's).
	lab := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`
	for _, ct := range []string{"", "application/octet-stream", "application/json"} {
		var hdr []string
		if ct != "" {
			hdr = []string{"Content-Type", ct}
		}
		if res, got := raw(t, addr, "POST", haikuModel+"/invoke", addr, lab, hdr...); res.StatusCode != 200 {
			t.Errorf("invoke with Content-Type %q: %d %s", ct, res.StatusCode, got)
		}
	}
}

// TestMetricsNeedsAKeyWhenKeysAreRequired: beyond loopback, /metrics is
// guarded by the gateway's keys; the page stays public (it is static and
// holds no data).
func TestMetricsNeedsAKeyWhenKeysAreRequired(t *testing.T) {
	t.Parallel()
	open := serveLike(t, nil, serveConfig{open: true, keys: []string{"k1"}})
	for key, want := range map[string]int{"": 401, "wrong": 401, "k1": 200} {
		var hdr []string
		if key != "" {
			hdr = []string{"Authorization", "Bearer " + key}
		}
		res, body := raw(t, open, "GET", "/metrics", "server.lan", "", hdr...)
		if res.StatusCode != want {
			t.Errorf("/metrics with key %q: %d %s, want %d", key, res.StatusCode, body, want)
		}
	}
	if res, _ := raw(t, open, "GET", "/", "server.lan", ""); res.StatusCode != 200 {
		t.Errorf("the page beyond loopback: %d, want 200", res.StatusCode)
	}
	loopback := serveLike(t, nil, serveConfig{})
	if res, _ := raw(t, loopback, "GET", "/metrics", "localhost", ""); res.StatusCode != 200 {
		t.Errorf("/metrics on loopback without keys: %d, want 200", res.StatusCode)
	}
}

// TestEveryPathAnswersInItsShape: unknown paths, wrong methods and paths
// the mux would clean or redirect get the surface's JSON error, never a
// plain-text 404/405 or a 3xx.
func TestEveryPathAnswersInItsShape(t *testing.T) {
	t.Parallel()
	addr := serveLike(t, nil, serveConfig{})
	long := strings.Repeat("a", 60_000)
	tests := []struct {
		method, path string
		want         int // 0: any 4xx
		shape        shape
	}{
		{"GET", haikuModel + "/invoke", 405, bedrockShape},
		{"PUT", haikuModel + "/converse", 405, bedrockShape},
		{"BREW", haikuModel + "/invoke", 405, bedrockShape},
		{"POST", haikuModel + "/unknown-operation", 404, bedrockShape},
		{"POST", "//model/x/invoke", 404, bedrockShape},
		{"POST", "/model//x/invoke", 404, bedrockShape},
		{"POST", "/model/x/../y/invoke", 404, bedrockShape},
		{"POST", "/model/./x/converse", 404, bedrockShape},
		{"POST", "/model/x/invoke/", 404, bedrockShape},
		{"POST", "/model", 404, bedrockShape},
		{"POST", "/model/", 404, bedrockShape},
		{"GET", "/model/%2e%2e/invoke", 405, bedrockShape},
		{"POST", "/model/%2e%2e/invoke", 400, bedrockShape},
		{"POST", "/model/a%00b/converse", 0, bedrockShape},
		{"POST", "/model/" + long + "/converse", 0, bedrockShape},
		{"GET", "/model/" + long, 404, bedrockShape},
		{"DELETE", "/foundation-models", 405, bedrockShape},
		{"POST", "/foundation-models/x", 405, bedrockShape},
		{"GET", "/foundation-models/", 404, bedrockShape},
		{"GET", "/foundation-models//x", 404, bedrockShape},
		{"GET", "/inference-profiles/x", 404, bedrockShape},
		{"GET", "/inference-profiles/../foundation-models", 404, bedrockShape},
		{"POST", "/guardrail-checks/invoke", 404, bedrockShape},
		{"POST", "/metrics", 405, bedrockShape},
		{"GET", "/healthz/", 404, bedrockShape},
		{"GET", "/v1/chat/completions", 405, openaiShape},
		{"PUT", "/v1/messages", 405, anthropicShape},
		{"DELETE", "/v1/models", 405, openaiShape},
		{"POST", "/v1/unknown", 404, openaiShape},
		{"GET", "/v1", 404, openaiShape},
		{"OPTIONS", "/v1", 404, openaiShape},
		{"GET", "/v1/", 404, openaiShape},
		{"POST", "/v1/../v1/messages", 404, anthropicShape},
		{"POST", "/v1//messages", 404, anthropicShape},
		{"POST", "/v1/./chat/completions", 404, openaiShape},
		{"POST", "/v1/chat%2Fcompletions", 404, openaiShape},
		{"GET", "/%761/nothing", 404, openaiShape},
		{"GET", "/v1/streams/", 404, openaiShape},
		{"GET", "/v1/models/../models", 404, openaiShape},
		{"GET", "/v1/" + long, 404, openaiShape},
		{"GET", "/v1/messages/%2e%2e/models", 404, anthropicShape},
		{"GET", "/static/../index.html", 404, plainShape},
		{"GET", "//index.html", 404, plainShape},
		{"POST", "/", 405, plainShape},
	}
	for _, tt := range tests {
		res, body := raw(t, addr, tt.method, tt.path, addr, "")
		name := fmt.Sprintf("%s %.60s", tt.method, tt.path)
		if tt.want != 0 && res.StatusCode != tt.want {
			t.Errorf("%s: %d %.200s, want %d", name, res.StatusCode, body, tt.want)
			continue
		}
		if why := checkShape(res, body, tt.shape); why != "" {
			t.Errorf("%s: %d %s: %.200s", name, res.StatusCode, why, body)
		}
		if res.StatusCode == 405 && res.Header.Get("Allow") == "" {
			t.Errorf("%s: 405 without Allow", name)
		}
	}
}

// TestGoErrorTextNeverReachesCallers: a backend failing with a plain Go
// error (a dial failure naming an internal address) is answered with
// generic words and the request ID on every surface.
func TestGoErrorTextNeverReachesCallers(t *testing.T) {
	t.Parallel()
	fake := fakebackend.New(fakebackend.Story())
	fake.FailAt, fake.Err = 0, errors.New("dial tcp 10.0.0.1:443: secret")
	addr := serveLike(t, fake, serveConfig{})
	for _, rq := range []struct{ path, body string }{
		{"/v1/chat/completions", chat},
		{"/v1/messages", messages},
		{haikuModel + "/converse", converse},
		{haikuModel + "/invoke", `{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`},
	} {
		res, body := raw(t, addr, "POST", rq.path, addr, rq.body, "Content-Type", "application/json")
		rid := res.Header.Get("X-Amzn-Requestid")
		if res.StatusCode != 500 || strings.Contains(string(body), "secret") || strings.Contains(string(body), "10.0.0.1") ||
			rid == "" || !strings.Contains(string(body), rid) {
			t.Errorf("%s: %d %s (request ID %q), want a 500 naming the request ID and not the error", rq.path, res.StatusCode, body, rid)
		}
	}
}
