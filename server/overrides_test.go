package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/gateway"
)

const (
	haikuPath    = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
	haikuID      = "anthropic.claude-3-haiku-20240307-v1:0"
	openaiBody   = `{"model":"` + haikuID + `","messages":[{"role":"user","content":"hi"}]}`
	messagesBody = `{"model":"` + haikuID + `","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}`
	openNetwork  = "203.0.113.7:40000" // a client beyond loopback (TEST-NET-3)
)

// startFrontends serves the runtime and the gateway over an instant
// builtin backend. A non-empty remote stands in for the client's address,
// so that tests on loopback can play a client from the open network.
func startFrontends(t *testing.T, remote string, so server.Options, gw gateway.Options) string {
	t.Helper()
	be := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	so.Backend, gw.Backend = be, be
	so.Mount = func(mux *http.ServeMux) { gateway.Register(mux, gw) }
	s, err := server.New(so)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if remote != "" {
			r.RemoteAddr = remote
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// frontendCall is one request to a frontend in its own dialect.
type frontendCall struct {
	name, path, body string
	header           http.Header
}

// frontendCalls are a minimal valid request to each frontend, carrying
// extra and a credential each accepts (mode any, API key "k").
func frontendCalls(extra http.Header) []frontendCall {
	with := func(h http.Header) http.Header {
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	return []frontendCall{
		{"bedrock", haikuPath, labBody, with(http.Header{"Authorization": {"Bearer k"}, "Content-Type": {"application/json"}})},
		{"openai", "/v1/chat/completions", openaiBody, with(http.Header{"Authorization": {"Bearer k"}, "Content-Type": {"application/json"}})},
		{"anthropic", "/v1/messages", messagesBody, with(http.Header{"X-Api-Key": {"k"}, "Anthropic-Version": {"2023-06-01"}, "Content-Type": {"application/json"}})},
	}
}

// errorReply is an error body in any of the three dialects.
type errorReply struct {
	status int
	raw    string
	// Bedrock: {"__type":…,"message":…}
	BedrockType string `json:"__type"`
	Message     string `json:"message"`
	// Anthropic: {"type":"error","error":{"type":…,"message":…}}
	// OpenAI:    {"error":{"type":…,"message":…}}
	Type  string `json:"type"`
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

// dialectType is the error's type in the dialect of call name, or "" when
// the body is not in that dialect's shape.
func (e errorReply) dialectType(name string) string {
	switch name {
	case "bedrock":
		if e.Type == "" && e.Error.Type == "" {
			return e.BedrockType
		}
	case "openai":
		if e.BedrockType == "" && e.Type == "" {
			return e.Error.Type
		}
	case "anthropic":
		if e.BedrockType == "" && e.Type == "error" {
			return e.Error.Type
		}
	}
	return ""
}

func (e errorReply) message() string { return e.Message + e.Error.Message }

func do(t *testing.T, base string, c frontendCall) errorReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.header.Clone()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	e := errorReply{status: res.StatusCode, raw: string(raw)}
	if res.StatusCode >= 400 {
		_ = json.Unmarshal(raw, &e)
	}
	return e
}

// TestOverrideErrorsInCallersDialect: a malformed or out-of-range
// override header is a 400 in the dialect of the endpoint it was sent
// to, naming the header.
func TestOverrideErrorsInCallersDialect(t *testing.T) {
	base := startFrontends(t, "", server.Options{}, gateway.Options{})
	want := map[string]string{"bedrock": "ValidationException", "openai": "invalid_request_error", "anthropic": "invalid_request_error"}
	for _, pace := range []string{"tps=fast", "tps=1e-9", "ttft=2h", "jitter=3"} {
		for _, c := range frontendCalls(http.Header{"X-Rockstream-Pace": {pace}}) {
			got := do(t, base, c)
			if got.status != http.StatusBadRequest || got.dialectType(c.name) != want[c.name] || !strings.Contains(got.message(), "X-Rockstream-Pace") {
				t.Errorf("%s, pace %s: %d %s; want 400 %s naming the header", c.name, pace, got.status, got.raw, want[c.name])
			}
		}
	}
	for _, c := range frontendCalls(http.Header{"X-Rockstream-Pace": {"ttft=0s,tps=0"}}) {
		if got := do(t, base, c); got.status != http.StatusOK {
			t.Errorf("%s: a good pace got %d %s", c.name, got.status, got.raw)
		}
	}
}

// TestAuthenticationBeforeOverrides: a request that fails authentication
// gets its 401/403 whatever override headers it carries.
func TestAuthenticationBeforeOverrides(t *testing.T) {
	base := startFrontends(t, "",
		server.Options{Auth: auth.Config{Mode: auth.ModeStrict, APIKeys: []string{"good"}}},
		gateway.Options{APIKeys: []string{"good"}})
	bogus := http.Header{"X-Rockstream-Pace": {"tps=fast"}, "X-Rockstream-Fault": {"NoSuchException"}, "X-Rockstream-Seed": {"x"}}
	want := map[string]struct {
		status int
		typ    string
	}{
		"bedrock":   {http.StatusForbidden, "AccessDeniedException"}, // Bedrock's answer to an unknown API key
		"openai":    {http.StatusUnauthorized, "authentication_error"},
		"anthropic": {http.StatusUnauthorized, "authentication_error"},
	}
	for _, c := range frontendCalls(bogus) { // their keys are "k", not "good"
		got := do(t, base, c)
		if got.status != want[c.name].status || got.dialectType(c.name) != want[c.name].typ {
			t.Errorf("%s: %d %s; want %d %s", c.name, got.status, got.raw, want[c.name].status, want[c.name].typ)
		}
	}
}

// TestTestHeadersFromOpenNetworkRefused: without a key allowed to send
// them, pace and fault headers from beyond loopback are refused in the
// caller's dialect and inject nothing; from loopback they are honoured.
// The seed, which changes only the words, is honoured from anyone.
func TestTestHeadersFromOpenNetworkRefused(t *testing.T) {
	remote := startFrontends(t, openNetwork, server.Options{}, gateway.Options{APIKeys: []string{"k"}})
	denied := map[string]string{"bedrock": "AccessDeniedException", "openai": "permission_error", "anthropic": "permission_error"}
	for _, h := range []string{"X-Rockstream-Fault", "X-Rockstream-Pace"} {
		value := map[string]string{"X-Rockstream-Fault": "ThrottlingException", "X-Rockstream-Pace": "ttft=0s,tps=0"}[h]
		for _, c := range frontendCalls(http.Header{h: {value}}) {
			got := do(t, remote, c)
			if got.status != http.StatusForbidden || got.dialectType(c.name) != denied[c.name] || !strings.Contains(got.message(), h) {
				t.Errorf("%s, %s from the open network: %d %s; want 403 %s naming the header", c.name, h, got.status, got.raw, denied[c.name])
			}
		}
	}
	for _, c := range frontendCalls(http.Header{"X-Rockstream-Seed": {"42"}}) {
		if got := do(t, remote, c); got.status != http.StatusOK {
			t.Errorf("%s, seed from the open network: %d %s", c.name, got.status, got.raw)
		}
	}

	local := startFrontends(t, "", server.Options{}, gateway.Options{APIKeys: []string{"k"}})
	for _, c := range frontendCalls(http.Header{"X-Rockstream-Fault": {"ThrottlingException"}}) {
		if got := do(t, local, c); got.status != http.StatusTooManyRequests {
			t.Errorf("%s, fault from loopback: %d %s; want the injected 429", c.name, got.status, got.raw)
		}
	}
}
