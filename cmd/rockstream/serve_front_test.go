package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// hostRequest sends method path to base with the given Host header.
func hostRequest(t *testing.T, method, url, host, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeRefusesReboundHosts runs the real serve with its defaults: a
// DNS-rebound Host is refused on every surface, loopback names and
// --allow-host's (flag or environment) are answered.
func TestServeRefusesReboundHosts(t *testing.T) {
	t.Parallel()
	base, _ := serve(t, nil, fast)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	chat := `{"model":"` + llama + `","messages":[{"role":"user","content":"hi"}]}`
	converse := `{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`
	requests := []struct {
		method, path, body, want string
		header                   []string
	}{
		{"POST", "/v1/chat/completions", chat, `"permission_error"`, []string{"Content-Type", "application/json"}},
		{"POST", "/model/" + llama + "/converse", converse, `"AccessDeniedException"`, []string{"Content-Type", "application/json", "Authorization", "Bearer k"}},
		{"GET", "/metrics", "", `"AccessDeniedException"`, nil},
		{"GET", "/", "", "loopback names", nil},
	}
	for _, rq := range requests {
		status, body := hostRequest(t, rq.method, base+rq.path, "rebind.evil.example:"+port, rq.body, rq.header...)
		if status != http.StatusForbidden || !strings.Contains(body, rq.want) {
			t.Errorf("%s %s with a rebound Host: %d %s, want 403 with %s", rq.method, rq.path, status, body, rq.want)
		}
		if status, body := hostRequest(t, rq.method, base+rq.path, "localhost:"+port, rq.body, rq.header...); status != http.StatusOK {
			t.Errorf("%s %s with Host localhost: %d %s", rq.method, rq.path, status, body)
		}
	}

	flagged, _ := serve(t, []string{"ROCKSTREAM_ALLOW_HOST=env.example"}, fast, "--allow-host", "dev.example,*.corp.example")
	for host, want := range map[string]int{"dev.example": 200, "a.corp.example:1": 200, "rebind.evil.example": 403} {
		if status, body := hostRequest(t, "GET", flagged+"/healthz", host, ""); status != want {
			t.Errorf("--allow-host server, Host %s: %d %s, want %d", host, status, body, want)
		}
	}
	fromEnv, _ := serve(t, []string{"ROCKSTREAM_ALLOW_HOST=env.example"}, fast)
	if status, body := hostRequest(t, "GET", fromEnv+"/healthz", "env.example", ""); status != 200 {
		t.Errorf("$ROCKSTREAM_ALLOW_HOST server, Host env.example: %d %s", status, body)
	}
}

// TestServeOpenGuardsMetrics: beyond loopback every Host is answered, the
// keys guard /metrics as they guard the API, and the page stays public.
func TestServeOpenGuardsMetrics(t *testing.T) {
	t.Parallel()
	w := start(t, invocation{args: []string{"serve", "--addr", "0.0.0.0:0", "--insecure", "--api-key", "k1", fast}}.command(t))
	t.Cleanup(func() { stopServe(t, w) })
	w.waitUntil(t, "serve to listen", func() bool { return serving.MatchString(w.stderr()) })
	_, port, err := net.SplitHostPort(serving.FindStringSubmatch(w.stderr())[1])
	if err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:" + port
	for key, want := range map[string]int{"": 401, "k1": 200} {
		var hdr []string
		if key != "" {
			hdr = []string{"Authorization", "Bearer " + key}
		}
		if status, body := hostRequest(t, "GET", base+"/metrics", "server.lan", "", hdr...); status != want {
			t.Errorf("/metrics with key %q: %d %s, want %d", key, status, body, want)
		}
	}
	if status, _ := hostRequest(t, "GET", base+"/", "server.lan", ""); status != 200 {
		t.Errorf("the page beyond loopback: %d, want 200", status)
	}
}
