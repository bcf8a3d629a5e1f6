package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// binary is the rockstream command, built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rockstream-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "rockstream")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building rockstream:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const puppies = "Tell me a story about two puppies and two kittens who became best friends:"

// fast streams without delays from the local runtime.
const fast = "--pace=ttft=0s,tps=0"

// invocation is one run of the built command.
type invocation struct {
	args  []string
	stdin string
	env   []string // added to an environment without AWS credentials
}

// offlineEnv is an empty environment: a fresh HOME, no AWS variables, and
// the EC2 metadata service disabled.
func offlineEnv(t *testing.T) []string {
	t.Helper()
	return []string{"HOME=" + t.TempDir(), "AWS_EC2_METADATA_DISABLED=true", "PATH=" + os.Getenv("PATH")}
}

func (in invocation) command(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, in.args...)
	cmd.Env = append(offlineEnv(t), in.env...)
	cmd.Stdin = strings.NewReader(in.stdin)
	return cmd
}

// run runs the command to the end and returns stdout, stderr and the exit code.
func (in invocation) run(t *testing.T) (stdout, stderr string, code int) {
	t.Helper()
	cmd := in.command(t)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running rockstream: %v", err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// builtinAnswer is exactly the text the builtin model streams for prompt
// with the lab's defaults.
func builtinAnswer(t *testing.T, prompt string) string {
	t.Helper()
	req := &rockstream.Request{Model: defaultModel, MaxTokens: defaultMaxTokens, Temperature: new(float64),
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}
	tokens := builtin.New(builtin.Options{}).Tokens(req)
	if len(tokens) == 0 {
		t.Fatalf("the builtin model has no answer for the default model %s", defaultModel)
	}
	return strings.Join(tokens, "")
}

func TestOfflineDefault(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{fast, puppies}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	note := "rockstream: no AWS credentials found; answering from the local runtime at http://127.0.0.1:"
	if !strings.HasPrefix(stderr, note) || !strings.Contains(stderr, "(builtin model). Configure credentials or pass --endpoint-url") {
		t.Errorf("stderr lacks the local-runtime note:\n%s", stderr)
	}
	if strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr has more than the note:\n%s", stderr)
	}
	if want := builtinAnswer(t, puppies) + "\n"; stdout != want {
		t.Errorf("stdout is not exactly the model's text:\n got %q\nwant %q", stdout, want)
	}
	if !strings.Contains(stdout, "local runtime") || !strings.Contains(stdout, "puppies") {
		t.Errorf("the answer does not mention the local runtime and the prompt:\n%s", stdout)
	}
}

func TestLocalFlagWithCredentials(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{
		args: []string{"--local", fast, "hello there"},
		env:  []string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret"},
	}.run(t)
	if code != 0 || !strings.HasPrefix(stderr, "rockstream: answering from the local runtime at http://127.0.0.1:") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if want := builtinAnswer(t, "hello there") + "\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}

func TestPromptFromStdin(t *testing.T) {
	t.Parallel()
	want := builtinAnswer(t, puppies) + "\n"
	for _, args := range [][]string{{fast}, {fast, "-"}} {
		stdout, stderr, code := invocation{args: args, stdin: puppies + "\n"}.run(t)
		if code != 0 {
			t.Fatalf("%q: exit %d, stderr:\n%s", args, code, stderr)
		}
		if stdout != want {
			t.Errorf("%q: stdout = %q, want %q", args, stdout, want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     invocation
		code   int
		stderr []string
	}{
		{"help", invocation{args: []string{"-h"}}, 0, nil},
		{"unknown flag", invocation{args: []string{"--bogus", "hi"}}, 2, []string{"flag provided but not defined: -bogus", "Run 'rockstream -h' for usage."}},
		{"bad value", invocation{args: []string{"--max-tokens", "lots", "hi"}}, 2, []string{"max-tokens"}},
		{"bad environment", invocation{args: []string{"hi"}, env: []string{"ROCKSTREAM_TEMPERATURE=hot"}}, 2, []string{"ROCKSTREAM_TEMPERATURE"}},
		{"no prompt", invocation{args: []string{}, stdin: ""}, 2, []string{"no prompt"}},
		{"bad subcommand flag", invocation{args: []string{"serve", "--auth", "maybe"}}, 2, []string{"Run 'rockstream serve -h' for usage."}},
		{"unverifiable test header key", invocation{args: []string{"serve", "--test-header-keys", "nobody"}}, 2, []string{"--test-header-keys: key 1"}},
		{"unknown model", invocation{args: []string{fast, "--model", "anthropic.claude-unknown-v9:0", "hi"}, env: []string{"ROCKSTREAM_STRICT_MODELS=true"}}, 1, []string{"rockstream: ", "model identifier is invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := tt.in.run(t)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if tt.code != 0 && stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
		})
	}
}

func TestUnknownModelMessageIsShort(t *testing.T) {
	t.Parallel()
	// Strict: otherwise a well-formed Anthropic ID streams as a fallback.
	_, stderr, code := invocation{args: []string{fast, "--model", "anthropic.claude-unknown-v9:0", "hi"},
		env: []string{"ROCKSTREAM_STRICT_MODELS=1"}}.run(t)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if n := len(lines) - 1; n < 1 || n > 2 { // the first line is the local-runtime note
		t.Errorf("error takes %d lines, want one or two:\n%s", n, stderr)
	}
}

func TestJSONOutput(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{fast, "--json", puppies}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var text strings.Builder
	var types []string
	var last map[string]any
	for line := range strings.Lines(stdout) {
		last = nil
		if err := json.Unmarshal([]byte(line), &last); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		typ, _ := last["type"].(string)
		types = append(types, typ)
		if typ == "text_delta" {
			text.WriteString(last["text"].(string))
		}
	}
	if len(types) < 5 || types[0] != "message_start" || types[len(types)-1] != "outcome" {
		t.Fatalf("types = %v, want message_start … outcome", types)
	}
	if last["kind"] != "complete" || last["stop_reason"] != "end_turn" {
		t.Errorf("outcome = %v", last)
	}
	usage, _ := last["usage"].(map[string]any)
	if usage["output_tokens"].(float64) <= 0 || usage["input_tokens"].(float64) <= 0 {
		t.Errorf("outcome usage = %v", usage)
	}
	if text.String() != builtinAnswer(t, puppies) {
		t.Errorf("text deltas = %q", text.String())
	}
}

func TestRawOutput(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{fast, "--raw", "hello"}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var types []string
	var text strings.Builder
	for line := range strings.Lines(stdout) {
		var chunk struct {
			Type  string `json:"type"`
			Delta struct {
				Text string `json:"text"`
			} `json:"delta"`
			Metrics *json.RawMessage `json:"amazon-bedrock-invocationMetrics"`
		}
		if err := json.Unmarshal([]byte(line), &chunk); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		types = append(types, chunk.Type)
		text.WriteString(chunk.Delta.Text)
		if chunk.Type == "message_stop" && chunk.Metrics == nil {
			t.Errorf("the last chunk lacks the invocation metrics: %s", line)
		}
	}
	if len(types) < 4 || types[0] != "message_start" || types[len(types)-1] != "message_stop" {
		t.Errorf("chunk types = %v, want Anthropic's message_start … message_stop", types)
	}
	if text.String() != builtinAnswer(t, "hello") {
		t.Errorf("chunk text = %q", text.String())
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{fast, "--stats", "hello"}}.run(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != builtinAnswer(t, "hello")+"\n" {
		t.Errorf("stats leaked into stdout: %q", stdout)
	}
	for _, want := range []string{"time to first token:", "output speed:", "input tokens:", "output tokens:", "total latency:", "request ID:"} {
		if !strings.Contains(stderr, "rockstream: "+want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "request ID:          -") {
		t.Errorf("no request ID reported:\n%s", stderr)
	}
}

// watched is a running command whose stdout is collected as it arrives.
type watched struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	errOut bytes.Buffer
	grew   chan struct{} // receives after output arrives on stdout or stderr
	done   chan struct{} // closed when stdout ends
}

func start(t *testing.T, cmd *exec.Cmd) *watched {
	t.Helper()
	w := &watched{cmd: cmd, grew: make(chan struct{}, 1), done: make(chan struct{})}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &lockedWriter{mu: &w.mu, w: &w.errOut, grew: w.grew}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.done)
		buf := make([]byte, 4096)
		for {
			n, err := pipe.Read(buf)
			w.mu.Lock()
			w.out.Write(buf[:n])
			w.mu.Unlock()
			select {
			case w.grew <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return w
}

// waitFor blocks until stdout contains s; it fails if stdout ends first.
func (w *watched) waitFor(t *testing.T, s string) {
	t.Helper()
	w.waitUntil(t, "stdout to contain "+s, func() bool { return strings.Contains(w.stdout(), s) })
}

// waitUntil blocks until cond holds, checking after each output; it fails
// if the process ends first.
func (w *watched) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-w.grew:
		case <-w.done:
			if !cond() {
				t.Fatalf("the process ended before %s:\nstdout:\n%s\nstderr:\n%s", what, w.stdout(), w.stderr())
			}
			return
		}
	}
}

func (w *watched) stdout() string { w.mu.Lock(); defer w.mu.Unlock(); return w.out.String() }
func (w *watched) stderr() string { w.mu.Lock(); defer w.mu.Unlock(); return w.errOut.String() }

// wait waits for the process and returns its exit code.
func (w *watched) wait(t *testing.T) int {
	t.Helper()
	<-w.done
	err := w.cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return w.cmd.ProcessState.ExitCode()
}

// lockedWriter collects stderr and signals each write.
type lockedWriter struct {
	mu   *sync.Mutex
	w    io.Writer
	grew chan struct{}
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	n, err := l.w.Write(p)
	l.mu.Unlock()
	select {
	case l.grew <- struct{}{}:
	default:
	}
	return n, err
}

func TestInterruptKeepsPartialAnswer(t *testing.T) {
	t.Parallel()
	full := builtinAnswer(t, puppies)
	// Slow enough that the answer is far from done when the signal lands.
	w := start(t, invocation{args: []string{"--pace=ttft=0s,tps=20", puppies}}.command(t))
	w.waitFor(t, "local runtime")
	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := w.wait(t)
	if code != 130 {
		t.Fatalf("exit %d, want 130; stderr:\n%s", code, w.stderr())
	}
	out := w.stdout()
	partial, ok := strings.CutSuffix(out, "\n")
	if !ok || partial == "" || !strings.HasPrefix(full, partial) || len(partial) >= len(full) {
		t.Errorf("stdout is not a newline-terminated prefix of the answer:\n%q", out)
	}
	if !strings.Contains(w.stderr(), "rockstream: interrupted") {
		t.Errorf("stderr lacks the interruption note:\n%s", w.stderr())
	}
}
