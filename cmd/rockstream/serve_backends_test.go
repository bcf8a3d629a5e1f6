package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const llama = "meta.llama3-8b-instruct-v1:0"

// serving matches serve's startup line.
var serving = regexp.MustCompile(`serving the Bedrock Runtime at http://(\S+) \(`)

// serve starts `rockstream serve args…` and returns its base URL; the
// process is stopped with SIGINT when the test ends and must exit 0.
func serve(t *testing.T, env []string, args ...string) (url string, w *watched) {
	t.Helper()
	w = start(t, invocation{args: append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env: env}.command(t))
	w.waitUntil(t, "serve to listen", func() bool { return serving.MatchString(w.stderr()) })
	t.Cleanup(func() { stopServe(t, w) })
	return "http://" + serving.FindStringSubmatch(w.stderr())[1], w
}

// stopServe sends SIGINT and checks a clean exit; it is idempotent.
func stopServe(t *testing.T, w *watched) {
	t.Helper()
	if w.cmd.ProcessState != nil {
		return
	}
	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := w.wait(t); code != 0 {
		t.Errorf("serve exit %d after SIGINT, stderr:\n%s", code, w.stderr())
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ask streams prompt through the runtime at url and returns stdout, which
// must be the whole answer.
func ask(t *testing.T, url string, args ...string) string {
	t.Helper()
	stdout, stderr, code := invocation{args: append([]string{"--endpoint-url", url}, args...)}.run(t)
	if code != 0 || stderr != "" {
		t.Fatalf("rockstream %q through %s: exit %d, stderr:\n%s", args, url, code, stderr)
	}
	return strings.TrimSuffix(stdout, "\n")
}

// upstreamScript gives Llama a fixed answer, so a test can tell which
// backend answered.
const upstreamScript = `{"answers":[{"model":"meta\\.llama","text":"The upstream answered this one."}]}`

// TestServeInFrontOfServe puts serve --backend openai, serve --routes and
// serve --backend bedrock in front of another serve (its OpenAI endpoint,
// its Bedrock Runtime), and streams through them over the Bedrock wire.
func TestServeInFrontOfServe(t *testing.T) {
	t.Parallel()
	upstream, _ := serve(t, nil, fast, "--script", writeFile(t, "script.json", upstreamScript))
	front, fw := serve(t, nil, "--backend", "openai", "--upstream", upstream+"/v1")
	if !strings.Contains(fw.stderr(), "(backend openai, auth any)") {
		t.Errorf("startup line does not name the backend:\n%s", fw.stderr())
	}
	if got, want := ask(t, front, "hello"), builtinAnswer(t, "hello"); got != want {
		t.Errorf("openai backend: %q, want the upstream's builtin answer %q", got, want)
	}
	if got := ask(t, front, "--api", "converse", "--model", llama, "hello"); got != "The upstream answered this one." {
		t.Errorf("openai backend, Llama over ConverseStream: %q", got)
	}

	routes := writeFile(t, "routes.json", `{"routes":[{"model":"meta.*","backend":"openai"}],"default":"builtin"}`)
	routed, _ := serve(t, nil, "--routes", routes, "--upstream", upstream+"/v1", fast)
	if got := ask(t, routed, "--model", llama, "--max-tokens", "512", "hello"); got != "The upstream answered this one." {
		t.Errorf("routes: Llama got %q, want the upstream's scripted answer", got)
	}
	if got, want := ask(t, routed, "hello"), builtinAnswer(t, "hello"); got != want {
		t.Errorf("routes: Claude got %q, want this server's builtin answer", got)
	}

	apiRoutes := writeFile(t, "api-routes.json", `{"meta.*":"converse"}`)
	relay, _ := serve(t, nil, "--backend", "bedrock", "--endpoint-url", upstream, "--api-routes", apiRoutes)
	if got, want := ask(t, relay, "hello"), builtinAnswer(t, "hello"); got != want {
		t.Errorf("bedrock backend: %q, want the upstream's builtin answer %q", got, want)
	}
	if got := ask(t, relay, "--model", llama, "--max-tokens", "512", "hello"); got != "The upstream answered this one." {
		t.Errorf("bedrock backend, Llama over ConverseStream upstream: %q", got)
	}
}

// TestServeShutdownEndsGatewayStreams stops serve while an OpenAI stream
// is open: the stream ends with an error chunk saying the server is
// shutting down, and serve exits 0.
func TestServeShutdownEndsGatewayStreams(t *testing.T) {
	t.Parallel()
	url, w := serve(t, nil, "--pace", "ttft=0s,tps=5")
	body := `{"model":"` + defaultModel + `","stream":true,"messages":[{"role":"user","content":"` + puppies + `"}]}`
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	first := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	stopServe(t, w)
	rest, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(rest), "shutting down") {
		t.Errorf("the stream did not end with the shutdown error:\n%s", rest)
	}
}

// TestServeRecordThenReplay records a stream through serve --record and
// plays it back from serve --backend replay, which then answers the same
// prompt with the same text and refuses others.
func TestServeRecordThenReplay(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "recordings") // created by serve
	recording, rw := serve(t, nil, fast, "--record", dir)
	want := builtinAnswer(t, puppies)
	if got := ask(t, recording, puppies); got != want {
		t.Fatalf("while recording: %q", got)
	}
	stopServe(t, rw)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("recordings in %s: %v, want one", dir, files)
	}

	replaying, pw := serve(t, nil, "--backend", "replay", "--replay", dir, "--speed", "-1")
	if !strings.Contains(pw.stderr(), "replaying 1 recordings from "+dir) {
		t.Errorf("stderr lacks the replay note:\n%s", pw.stderr())
	}
	if got := ask(t, replaying, puppies); got != want {
		t.Errorf("replayed answer %q, want the recorded %q", got, want)
	}
	_, stderr, code := invocation{args: []string{"--endpoint-url", replaying, "something never recorded"}}.run(t)
	if code != 1 || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("unrecorded prompt: exit %d, stderr %q", code, stderr)
	}
}

// TestServeGatewayKeys serves beyond loopback: the gateway endpoints
// refuse requests without one of the --api-key keys.
func TestServeGatewayKeys(t *testing.T) {
	t.Parallel()
	w := start(t, invocation{args: []string{"serve", "--addr", "0.0.0.0:0", "--insecure", "--api-key", "k1", fast}}.command(t))
	t.Cleanup(func() { stopServe(t, w) })
	w.waitUntil(t, "serve to listen", func() bool { return serving.MatchString(w.stderr()) })
	_, port, err := net.SplitHostPort(serving.FindStringSubmatch(w.stderr())[1])
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:" + port + "/v1/models"
	for key, want := range map[string]int{"": http.StatusUnauthorized, "wrong": http.StatusUnauthorized, "k1": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("key %q: %s, want %d", key, resp.Status, want)
		}
	}
}

func TestServeUsageErrors(t *testing.T) {
	t.Parallel()
	rules := writeFile(t, "rules.json", crashRules)
	noBuiltin := writeFile(t, "routes.json", `{"routes":[{"model":"meta.*","backend":"openai"}],"default":"bedrock"}`)
	accessOnly := writeFile(t, "keys.json", `{"accessKeys":[{"accessKeyId":"AKIDTEST","secretAccessKey":"secret"}]}`)
	up := []string{"--backend", "openai", "--upstream", "http://127.0.0.1:1/v1"}
	tests := []struct {
		name   string
		args   []string
		env    []string
		stderr string
	}{
		{"unknown backend", []string{"--backend", "nope"}, nil, `must be one of builtin, bedrock, openai, replay, not "nope"`},
		{"openai without upstream", []string{"--backend", "openai"}, nil, "needs --upstream"},
		{"upstream not a URL", []string{"--backend", "openai", "--upstream", "localhost:11434"}, nil, "--upstream must start with http://"},
		{"rules with openai", append(up, "--rules", rules), nil, "--rules (or $ROCKSTREAM_RULES) applies to the builtin backend only"},
		{"pace from the environment with openai", up, []string{"ROCKSTREAM_PACE=tps=0"}, "$ROCKSTREAM_PACE"},
		{"replay without a directory", []string{"--backend", "replay"}, nil, "needs --replay"},
		{"replay at speed 0", []string{"--backend", "replay", "--replay", ".", "--speed", "0"}, nil, "--speed must be"},
		{"bedrock api", []string{"--backend", "bedrock", "--api", "chat"}, nil, "--api must be invoke or converse"},
		{"routes and backend", []string{"--routes", noBuiltin, "--backend", "openai"}, nil, "exclude each other"},
		{"script with routes lacking builtin", []string{"--routes", noBuiltin, "--upstream", "http://127.0.0.1:1/v1", "--script", rules}, nil, "builtin backend only"},
		{"open address without gateway keys", []string{"--addr", "0.0.0.0:0", "--auth", "strict", "--keys-file", accessOnly}, nil, "need API keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)
			stdout, stderr, code := invocation{args: args, env: tt.env}.run(t)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) || !strings.Contains(stderr, "Run 'rockstream serve -h' for usage.") {
				t.Errorf("stderr lacks %q and the hint:\n%s", tt.stderr, stderr)
			}
		})
	}
}
