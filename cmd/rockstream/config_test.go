package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	t.Parallel()
	broken := writeFile(t, "broken.yaml", "server:\n  adr: x\nquotas:\n  default:\n    tokens_per_minute: -5\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderrHave []string
	}{
		{"the example", []string{"config", "check", "../../examples/rockstream.yaml"}, 0, "valid", nil},
		{"broken", []string{"config", "check", broken}, 1, "", []string{broken + ":2:3: unknown field \"adr\""}},
		{"missing", []string{"config", "check", "no-such.yaml"}, 1, "", []string{"no-such.yaml"}},
		{"no file", []string{"config", "check"}, 2, "", []string{"usage"}},
		{"not check", []string{"config", "show", broken}, 2, "", []string{"config check FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := invocation{args: tt.args}.run(t)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
			}
			for _, want := range tt.stderrHave {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestServeConfigFile: serve takes its settings from --config, with side
// files inline; a flag (--addr) and an environment variable
// (ROCKSTREAM_BACKEND) override the file; the file's quota refuses the
// key's second request with 429.
func TestServeConfigFile(t *testing.T) {
	t.Parallel()
	cfg := writeFile(t, "rockstream.yaml", `
server:
  addr: 256.0.0.1:80          # unusable: --addr must win
  backend: openai             # needs an upstream: the environment must win
gateway:
  api_keys: [team-key]
backends:
  pace: ttft=0s,tps=0
  script:
    answers:
      - prompt: ""
        text: Configured answer.
quotas:
  keys:
    team-key:
      requests_per_minute: 1
`)
	url, _ := serve(t, []string{"ROCKSTREAM_BACKEND=builtin"}, "--config", cfg)
	chat := func() (int, string, string) {
		req, err := http.NewRequest(http.MethodPost, url+"/v1/chat/completions",
			strings.NewReader(`{"model":"anthropic.claude-3-haiku-20240307-v1:0","messages":[{"role":"user","content":"hi"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer team-key")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Retry-After"), string(body)
	}
	awayFromMinuteEdge(t)
	if status, _, body := chat(); status != http.StatusOK || !strings.Contains(body, "Configured answer.") {
		t.Fatalf("first request: %d %s", status, body)
	}
	if status, retry, body := chat(); status != http.StatusTooManyRequests || retry == "" || !strings.Contains(body, "rate_limit_error") {
		t.Fatalf("second request: %d Retry-After %q %s; want 429 rate_limit_error", status, retry, body)
	}
}
