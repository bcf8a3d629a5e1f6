package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
)

// statValues collects every "rockstream: <key>: N" number on stderr, in order.
func statValues(stderr, key string) []int {
	re := regexp.MustCompile(`(?m)^rockstream: ` + regexp.QuoteMeta(key) + `:\s+(\d+)$`)
	var out []int
	for _, m := range re.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

func TestChatKeepsHistory(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{
		args:  []string{"chat", fast, "--stats"},
		stdin: "Tell me a story about a brave cat\n\nWhat happened next?\n/exit\nnever sent\n",
	}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	first := builtinAnswer(t, "Tell me a story about a brave cat")
	if !strings.HasPrefix(stdout, first+"\n") {
		t.Fatalf("the first answer is not first on stdout:\n%s", stdout)
	}
	if second := strings.TrimPrefix(stdout, first+"\n"); !strings.Contains(second, "What happened next") && !strings.Contains(second, "local runtime") {
		t.Errorf("no second answer:\n%s", second)
	}
	in, out := statValues(stderr, "input tokens"), statValues(stderr, "output tokens")
	if len(in) != 2 || len(out) != 2 {
		t.Fatalf("want stats for two turns (not for /exit or what follows it):\n%s", stderr)
	}
	// The second request carries the first question and answer too.
	if in[1] <= in[0]+out[0] {
		t.Errorf("second turn sent %d input tokens, want more than %d + %d: the history was not sent", in[1], in[0], out[0])
	}
}

func TestChatEndsAtEOF(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{"chat", fast}, stdin: "hello"}.run(t)
	if code != 0 || !strings.Contains(stdout, "local runtime") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

func TestChatInterruptStopsOnlyTheAnswer(t *testing.T) {
	t.Parallel()
	cmd := invocation{args: []string{"chat", "--pace=ttft=0s,tps=20"}}.command(t)
	cmd.Stdin = nil
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := start(t, cmd)
	if _, err := stdin.Write([]byte(puppies + "\n")); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "local runtime")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// The session goes on: the next question gets a whole answer.
	if _, err := stdin.Write([]byte("Say hello\n")); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "You asked about")
	stdin.Write([]byte("/exit\n"))
	stdin.Close()
	if code := w.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, w.stderr())
	}
	if !strings.Contains(w.stderr(), "rockstream: interrupted") {
		t.Errorf("stderr lacks the interruption note:\n%s", w.stderr())
	}
	if strings.Count(w.stdout(), "This answer comes from rockstream's local runtime") != 2 {
		t.Errorf("want two answers, the first cut short:\n%s", w.stdout())
	}
}

func TestModels(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{"models"}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "ID ") || !strings.Contains(stdout, "STREAMS") {
		t.Errorf("no table header:\n%s", stdout)
	}
	row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(defaultModel) + `\s+model\s+yes\s+yes\s`)
	if !row.MatchString(stdout) {
		t.Errorf("the default model is not listed as streaming and on-demand:\n%s", stdout)
	}
	if !strings.Contains(stderr, "local runtime") {
		t.Errorf("stderr lacks the local-runtime note:\n%s", stderr)
	}

	stdout, stderr, code = invocation{args: []string{"models", "--json"}}.run(t)
	if code != 0 {
		t.Fatalf("--json: exit %d, stderr:\n%s", code, stderr)
	}
	found := false
	for line := range strings.Lines(stdout) {
		var m modelJSON
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if m.ID == defaultModel {
			found = m.Streaming && m.Kind == "model"
		}
	}
	if !found {
		t.Errorf("--json lacks the default model as a streaming model:\n%s", stdout)
	}
}

// crashRules makes the builtin model fail mid-answer for prompts that ask.
const crashRules = `{"rules":[{"prompt":"(?i)crash","fault":"ModelStreamErrorException,after=8","message":"Model crashed."}]}`

// TestServe runs serve with its builtin-model flags, checks its endpoints,
// streams through it with --endpoint-url (a finished answer and one that
// fails mid-stream), and stops it with SIGINT.
func TestServe(t *testing.T) {
	t.Parallel()
	rules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rules, []byte(crashRules), 0o600); err != nil {
		t.Fatal(err)
	}
	w := start(t, invocation{args: []string{"serve", "--addr", "127.0.0.1:0", "--pace", "ttft=0s,tps=0", "--rules", rules}}.command(t))
	serving := regexp.MustCompile(`serving the Bedrock Runtime at (http://[0-9.:]+)`)
	w.waitUntil(t, "serve to listen", func() bool { return serving.MatchString(w.stderr()) })
	url := serving.FindStringSubmatch(w.stderr())[1]
	for _, path := range []string{"/healthz", "/metrics", "/"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", path, resp.Status)
		}
	}

	stdout, stderr, code := invocation{args: []string{"--endpoint-url", url, "hello"}}.run(t)
	if code != 0 || stderr != "" || stdout != builtinAnswer(t, "hello")+"\n" {
		t.Errorf("through serve: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	stdout, stderr, code = invocation{args: []string{"--endpoint-url", url, "please crash"}}.run(t)
	if code != 1 {
		t.Errorf("mid-stream failure: exit %d, want 1", code)
	}
	if full := builtinAnswer(t, "please crash"); stdout == "\n" || !strings.HasPrefix(full, strings.TrimSuffix(stdout, "\n")) {
		t.Errorf("mid-stream failure: stdout %q is not the text before the failure", stdout)
	}
	if !strings.Contains(stderr, "ModelStreamErrorException: Model crashed.") {
		t.Errorf("mid-stream failure: stderr %q", stderr)
	}
	stdout, _, code = invocation{args: []string{"--endpoint-url", url, "--json", "please crash"}}.run(t)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var outcome outcomeLineJSON
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &outcome); err != nil || code != 1 {
		t.Fatalf("--json failure: exit %d, last line %q: %v", code, lines[len(lines)-1], err)
	}
	if outcome.Type != "outcome" || outcome.Kind != "error" || outcome.Error == nil ||
		outcome.Error.Code != "ModelStreamErrorException" || !outcome.Error.InStream {
		t.Errorf("--json failure outcome = %+v", outcome)
	}

	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := w.wait(t); code != 0 {
		t.Fatalf("exit %d after SIGINT, stderr:\n%s", code, w.stderr())
	}
	if !strings.Contains(w.stderr(), "rockstream: stopped.") {
		t.Errorf("stderr:\n%s", w.stderr())
	}
	if w.stdout() != "" {
		t.Errorf("stdout = %q, want nothing", w.stdout())
	}
}

func TestConverseAPI(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{fast, "--api", "converse", "--json", "hello"}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var text strings.Builder
	var last map[string]any
	for line := range strings.Lines(stdout) {
		last = nil
		if err := json.Unmarshal([]byte(line), &last); err != nil {
			t.Fatal(err)
		}
		if last["type"] == "text_delta" {
			text.WriteString(last["text"].(string))
		}
	}
	if last["type"] != "outcome" || last["kind"] != "complete" {
		t.Errorf("last line = %v", last)
	}
	if text.String() != builtinAnswer(t, "hello") {
		t.Errorf("ConverseStream text = %q", text.String())
	}
}

func TestServeRefusesOpenAddressWithAnyAuth(t *testing.T) {
	t.Parallel()
	_, stderr, code := invocation{args: []string{"serve", "--addr", "0.0.0.0:0"}}.run(t)
	if code != 2 || !strings.Contains(stderr, "--insecure") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestEndpointURL checks that --endpoint-url goes to that endpoint without
// starting a local runtime, with or without credentials.
func TestEndpointURL(t *testing.T) {
	t.Parallel()
	rt, err := server.Start(t.Context(), server.Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	for _, env := range [][]string{nil, {"AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret"}} {
		stdout, stderr, code := invocation{args: []string{"--endpoint-url", rt.URL, "hello"}, env: env}.run(t)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr:\n%s", env, code, stderr)
		}
		if stderr != "" {
			t.Errorf("%v: stderr = %q, want nothing (no local runtime)", env, stderr)
		}
		if stdout != builtinAnswer(t, "hello")+"\n" {
			t.Errorf("%v: stdout = %q", env, stdout)
		}
	}
}

// TestCount counts a prompt offline in both request forms, and as JSON,
// and checks the number against the builtin model's charge for it.
func TestCount(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{System: []string{"Be brief."},
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about a brave cat")}}
	want := strconv.Itoa(builtin.InputTokens(req))
	for _, api := range []string{"invoke", "converse"} {
		stdout, stderr, code := invocation{args: []string{"count", "--api", api, "--system", "Be brief.", "Tell me a story about a brave cat"}}.run(t)
		if code != 0 || stdout != want+"\n" {
			t.Errorf("--api %s: exit %d, stdout %q, want %q; stderr:\n%s", api, code, stdout, want, stderr)
		}
	}
	stdout, stderr, code := invocation{args: []string{"count", "--json", "--system", "Be brief."}, stdin: "Tell me a story about a brave cat"}.run(t)
	var line struct {
		Model       string
		InputTokens int
	}
	if err := json.Unmarshal([]byte(stdout), &line); code != 0 || err != nil || strconv.Itoa(line.InputTokens) != want || line.Model == "" {
		t.Errorf("--json: exit %d, stdout %q (%v); stderr:\n%s", code, stdout, err, stderr)
	}
	stdout, stderr, code = invocation{args: []string{"count", "--model", "acme.unknown-v1", "hi"}}.run(t)
	// A model of no known family is refused before anything is sent.
	if code != 2 || stdout != "" || !strings.Contains(stderr, `unknown model "acme.unknown-v1"`) {
		t.Errorf("unknown model: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
