package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/bench"
)

// benchJSON runs bench with --json, expecting exit code want, and decodes
// the report into v.
func benchJSON(t *testing.T, want int, v any, env []string, args ...string) (stderr string) {
	t.Helper()
	stdout, stderr, code := invocation{args: append([]string{"bench", "--json"}, args...), env: env}.run(t)
	if code != want {
		t.Fatalf("bench %q: exit %d, want %d; stderr:\n%s", args, code, want, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		t.Fatalf("bench %q: stdout is not one JSON report: %v\n%s", args, err, stdout)
	}
	return stderr
}

func TestBenchInProcessDefault(t *testing.T) {
	t.Parallel()
	var r bench.Report
	stderr := benchJSON(t, 0, &r, nil, "--requests", "5", "--concurrency", "2", fast)
	if r.Streams != 5 || r.Completed != 5 || r.Failed != 0 {
		t.Errorf("streams %d, completed %d, failed %d; want 5 completed", r.Streams, r.Completed, r.Failed)
	}
	if f := r.Fidelity; f == nil || f.Checked != 5 || f.Exact != 5 {
		t.Errorf("fidelity = %+v, want 5 of 5 exact", f)
	}
	if r.Tokens == 0 || r.TimeToFirstToken.Count != 5 {
		t.Errorf("tokens %d, TTFT samples %d", r.Tokens, r.TimeToFirstToken.Count)
	}
	if !strings.Contains(stderr, "rockstream: no --target; benchmarking the local runtime started in-process at http://127.0.0.1:") {
		t.Errorf("stderr lacks the in-process note:\n%s", stderr)
	}
}

// scriptedStory makes the serve under test answer one prompt with text
// the builtin model would not: a fidelity failure.
const scriptedStory = `{"answers":[{"prompt":"scripted","text":"Not what the builtin model says."}]}`

// TestBenchAgainstServe drives a serve process over each API, checks each
// stream against the builtin answer, and fails on failed streams and on
// answers that differ.
func TestBenchAgainstServe(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, nil, "--rules", writeFile(t, "rules.json", crashRules), "--script", writeFile(t, "script.json", scriptedStory))
	for _, api := range benchAPIs {
		var r bench.Report
		benchJSON(t, 0, &r, nil, "--target", url, "--api", api, "--requests", "4", "--concurrency", "2", "--expect", "builtin", fast)
		if r.Completed != 4 || r.Fidelity == nil || r.Fidelity.Exact != 4 {
			t.Errorf("--api %s: completed %d, fidelity %+v; want 4 exact", api, r.Completed, r.Fidelity)
		}
	}
	var r bench.Report
	benchJSON(t, 0, &r, []string{"ROCKSTREAM_API=converse"}, "--target", url, "--requests", "2", fast)
	if r.Completed != 2 || r.Fidelity != nil {
		t.Errorf("ROCKSTREAM_API=converse, no --expect: completed %d, fidelity %+v; want 2 and no check", r.Completed, r.Fidelity)
	}

	stdout, stderr, code := invocation{args: []string{"bench", "--target", url, "--prompt", "please crash", "--requests", "2", fast}}.run(t)
	if code != 1 || !strings.Contains(stderr, "rockstream: 2 of 2 streams failed.") {
		t.Errorf("failing streams: exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "failed 2") || !strings.Contains(stdout, "time to first token") {
		t.Errorf("failing streams: no text report on stdout:\n%s", stdout)
	}
	_, stderr, code = invocation{args: []string{"bench", "--target", url, "--prompt", "scripted", "--expect", "builtin", "--requests", "2", fast}}.run(t)
	if code != 1 || !strings.Contains(stderr, "fidelity 0.00%: 2 of 2 completed streams differ") {
		t.Errorf("unexpected answers: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestBenchOverhead(t *testing.T) {
	t.Parallel()
	var r bench.OverheadReport
	stderr := benchJSON(t, 0, &r, nil, "--overhead", "--rounds", "1", "--requests", "3", "--concurrency", "2", fast)
	if len(r.Rounds) != 1 || r.Rounds[0].Direct.Completed != 3 || r.Rounds[0].Gateway.Completed != 3 {
		t.Fatalf("rounds = %+v, want one of 3 streams each way", r.Rounds)
	}
	if f := r.Fidelity; f == nil || f.Checked != 3 || f.Exact != 3 {
		t.Errorf("fidelity through the gateway = %+v, want 3 of 3 exact", f)
	}
	if !strings.Contains(stderr, "(bedrock backend) in front of the runtime at http://127.0.0.1:") {
		t.Errorf("stderr lacks the setup note:\n%s", stderr)
	}

	stdout, stderr, code := invocation{args: []string{"bench", "--overhead", "--rounds", "1", "--requests", "2", "--api", "anthropic", fast}}.run(t)
	if code != 0 {
		t.Fatalf("text: exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"added by the gateway over anthropic", "time to first token  p50 ", "inter-token gap      p50 ", "fidelity through the gateway 100.00%"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBenchUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown API", []string{"--api", "grpc"}, `--api must be invoke-stream, converse-stream, openai or anthropic, not "grpc"`},
		{"no concurrency", []string{"--concurrency", "0"}, "--concurrency must be positive"},
		{"negative requests", []string{"--requests", "-1"}, "--requests must not be negative"},
		{"unbounded", []string{"--requests", "0"}, "needs a --duration"},
		{"target not a URL", []string{"--target", "127.0.0.1:8080"}, "--target must start with http://"},
		{"overhead with target", []string{"--overhead", "--target", "http://127.0.0.1:1"}, "takes no --target"},
		{"unknown expectation", []string{"--expect", "maybe"}, "--expect must be builtin or none"},
		{"bad pace", []string{"--pace", "tps=fast"}, "--pace"},
		{"bad duration", []string{"--duration", "soon"}, "duration"},
		{"no rounds", []string{"--overhead", "--rounds", "0"}, "--rounds must be positive"},
		{"unknown model with a builtin expectation", []string{"--model", "acme.unknown-v1"}, "use --expect none"},
		{"an argument", []string{"hello"}, "bench takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := invocation{args: append([]string{"bench"}, tt.args...)}.run(t)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) || !strings.Contains(stderr, "Run 'rockstream bench -h' for usage.") {
				t.Errorf("stderr lacks %q and the hint:\n%s", tt.stderr, stderr)
			}
		})
	}
}
