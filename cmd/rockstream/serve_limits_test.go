package main

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
)

// openStream starts a stream and reads its first line, so it is under way;
// it stays open until the test ends.
func openStream(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode == http.StatusOK {
		if _, err := bufio.NewReader(res.Body).ReadByte(); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// TestServeStreamLimits: --max-streams bounds the Bedrock Runtime's and
// the gateway's streams together, --max-streams-per-key each API key's,
// and --resume-max-streams the resumable ones.
func TestServeStreamLimits(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, nil, "--pace", "ttft=0s,tps=4", "--api-key", "k1", "--api-key", "k2",
		"--max-streams", "3", "--max-streams-per-key", "1", "--resume-max-streams", "1")
	chat := func(key string) *http.Request {
		body := `{"model":"` + defaultModel + `","stream":true,"messages":[{"role":"user","content":"` + puppies + `"}]}`
		req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		return req
	}
	converse := func() *http.Request {
		body := `{"messages":[{"role":"user","content":[{"text":"Tell me a long story, please."}]}]}`
		req, _ := http.NewRequest(http.MethodPost, url+"/model/"+defaultModel+"/converse-stream", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer local-test-key") // --auth any: no verified key
		return req
	}
	status := func(what string, res *http.Response, want int, resume string) {
		t.Helper()
		if res.StatusCode != want || res.Header.Get("X-Rockstream-Resume") != resume {
			b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
			t.Fatalf("%s: %s, X-Rockstream-Resume %q; want %d, %q: %s", what, res.Status, res.Header.Get("X-Rockstream-Resume"), want, resume, b)
		}
	}

	status("k1's stream", openStream(t, chat("k1")), 200, "available")
	res := openStream(t, chat("k1"))
	status("k1's second stream", res, 429, "")
	if b, _ := io.ReadAll(res.Body); res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "rate_limit_error") {
		t.Errorf("k1's second stream: Retry-After %q, body %s", res.Header.Get("Retry-After"), b)
	}
	status("k2's stream, past --resume-max-streams", openStream(t, chat("k2")), 200, "unavailable")
	status("a Bedrock stream", openStream(t, converse()), 200, "")
	res = openStream(t, converse())
	status("a Bedrock stream past --max-streams", res, 429, "")
	if got := res.Header.Get("X-Amzn-ErrorType"); !strings.HasPrefix(got, "ThrottlingException") || res.Header.Get("Retry-After") == "" {
		t.Errorf("past --max-streams: %s %q, Retry-After %q", "X-Amzn-ErrorType", got, res.Header.Get("Retry-After"))
	}
}

func TestServeLimitUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args   []string
		env    []string
		stderr string
	}{
		{[]string{"--max-streams", "0"}, nil, "--max-streams must be positive"},
		{[]string{"--resume-max-bytes", "-1"}, nil, "--resume-max-bytes must be positive"},
		{nil, []string{"ROCKSTREAM_MAX_STREAMS_PER_KEY=many"}, "ROCKSTREAM_MAX_STREAMS_PER_KEY"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)
		stdout, stderr, code := invocation{args: args, env: tt.env}.run(t)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%q %q: exit %d, stderr:\n%s\nwant exit 2 and %q", tt.args, tt.env, code, stderr, tt.stderr)
		}
	}
}
