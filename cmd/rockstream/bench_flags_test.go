package main

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// parseBench parses and checks a bench command line as runBench does.
func parseBench(args []string, env map[string]string) (f benchFlags, code int, done bool, err error) {
	var out strings.Builder
	c := &cli{stdout: &out, stderr: &out, getenv: func(k string) string { return env[k] }}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	f.register(fs)
	_, code, done = c.parseFlags(fs, args, func() string { return "" })
	if done {
		return f, code, done, nil
	}
	return f, 0, false, f.check()
}

func TestBenchFlagDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		api    string
		expect string
	}{
		{"in-process", nil, nil, "invoke-stream", "builtin"},
		{"a target", []string{"--target", "http://127.0.0.1:8080"}, nil, "invoke-stream", "none"},
		{"a target, checked", []string{"--target", "http://h:1", "--expect", "builtin"}, nil, "invoke-stream", "builtin"},
		{"invoke alias", []string{"--api", "invoke"}, nil, "invoke-stream", "builtin"},
		{"converse from the environment", nil, map[string]string{"ROCKSTREAM_API": "converse"}, "converse-stream", "builtin"},
		{"overhead", []string{"--overhead", "--api", "openai"}, nil, "openai", "builtin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, _, done, err := parseBench(tt.args, tt.env)
			if done || err != nil {
				t.Fatalf("done %v, err %v", done, err)
			}
			if f.api != tt.api || f.expect != tt.expect {
				t.Errorf("api %q, expect %q; want %q, %q", f.api, f.expect, tt.api, tt.expect)
			}
			if f.requests != 100 || f.concurrency != 8 || f.model != defaultModel || f.prompt != labPrompt {
				t.Errorf("defaults: %+v", f)
			}
		})
	}
}

// FuzzBenchFlags checks that every bench command line either passes the
// checks, with a bounded run, or is a usage error.
func FuzzBenchFlags(f *testing.F) {
	f.Add("--requests\x000\x00--duration\x001s")
	f.Add("--api\x00converse\x00--overhead\x00--rounds=-1")
	f.Add("--pace\x00tps=0,ttft=x\x00--target\x00http://")
	f.Fuzz(func(t *testing.T, joined string) {
		fl, code, done, err := parseBench(strings.Split(joined, "\x00"), nil)
		var ue *usageError
		switch {
		case done:
			if code != exitUsage && code != exitOK {
				t.Fatalf("code %d", code)
			}
		case err != nil:
			if !errors.As(err, &ue) {
				t.Fatalf("not a usage error: %v", err)
			}
		case fl.requests == 0 && fl.duration == 0, fl.concurrency <= 0, fl.rounds <= 0:
			t.Fatalf("unbounded or empty run passed the checks: %+v", fl)
		}
	})
}
