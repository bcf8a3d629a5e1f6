package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr     string
		mode     auth.Mode
		insecure bool
		ok       bool
	}{
		{"127.0.0.1:8080", auth.ModeAny, false, true},
		{"localhost:8080", auth.ModeAny, false, true},
		{"[::1]:8080", auth.ModeAny, false, true},
		{"127.0.0.2:0", auth.ModeAny, false, true},
		{":8080", auth.ModeAny, false, false},
		{"0.0.0.0:8080", auth.ModeAny, false, false},
		{"192.168.1.10:8080", auth.ModeAny, false, false},
		{"example.com:8080", auth.ModeAny, false, false},
		{":8080", auth.ModeAny, true, true},
		{"0.0.0.0:8080", auth.ModeStrict, false, true},
		{"no-port", auth.ModeAny, false, false},
	}
	for _, tt := range tests {
		err := CheckListen(tt.addr, tt.mode, tt.insecure)
		if (err == nil) != tt.ok {
			t.Errorf("CheckListen(%q, %s, %v) = %v, want ok=%v", tt.addr, tt.mode, tt.insecure, err, tt.ok)
		}
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, o Options) *Running {
	t.Helper()
	if o.Backend == nil {
		o.Backend = fakebackend.New(fakebackend.Story())
	}
	r, err := Start(context.Background(), o, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// h2cClient speaks cleartext HTTP/2 with prior knowledge, as the AWS SDK
// for JavaScript does.
func h2cClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestServesHTTP1AndH2C(t *testing.T) {
	r := start(t, Options{})
	for name, c := range map[string]*http.Client{"HTTP/1.1": http.DefaultClient, "HTTP/2.0": h2cClient(t)} {
		res, err := c.Get(r.URL + "/healthz")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Proto != name || res.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
			t.Errorf("%s: got %s %d %s", name, res.Proto, res.StatusCode, body)
		}
	}
}

func TestLogsEachRequest(t *testing.T) {
	var logs syncBuffer
	r := start(t, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	req, _ := http.NewRequest(http.MethodPost, r.URL+"/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer k")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var line struct {
		Msg, Path, Model, RequestID string
		Status                      int
	}
	for l := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var raw map[string]any
		if json.Unmarshal([]byte(l), &raw) != nil || raw["msg"] != "request" {
			continue
		}
		line.Path, _ = raw["path"].(string)
		line.Model, _ = raw["model"].(string)
		line.RequestID, _ = raw["request_id"].(string)
		status, _ := raw["status"].(float64)
		line.Status = int(status)
	}
	if line.Model != "anthropic.claude-3-haiku-20240307-v1:0" || line.Status != 400 || line.RequestID != res.Header.Get("X-Amzn-Requestid") {
		t.Errorf("log line %+v (request ID header %q)\n%s", line, res.Header.Get("X-Amzn-Requestid"), logs.String())
	}
}

func TestCloseEndsServing(t *testing.T) {
	r, err := Start(context.Background(), Options{Backend: fakebackend.New(fakebackend.Story())}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := http.Get(r.URL + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("no backend accepted")
	}
	if _, err := New(Options{Backend: fakebackend.New(nil), Auth: auth.Config{Mode: auth.ModeStrict}}); err == nil {
		t.Error("strict auth without keys accepted")
	}
}

func TestMalformedOverrideHeaderIsBedrockError(t *testing.T) {
	r := start(t, Options{})
	req, _ := http.NewRequest(http.MethodPost, r.URL+"/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("X-Rockstream-Pace", "tps=fast")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadRequest || body.Type != "ValidationException" || !strings.Contains(body.Message, "X-Rockstream-Pace") {
		t.Errorf("status %d, body %+v", res.StatusCode, body)
	}
}
