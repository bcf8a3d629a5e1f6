package main

import (
	"flag"
	"slices"
	"strings"
	"testing"
)

// parseStream parses args as the stream command does, with env as the
// environment.
func parseStream(args []string, env map[string]string) (rf requestFlags, cf connectFlags, of outputFlags, positional []string, code int, done bool, stderr string) {
	var errOut, out strings.Builder
	c := &cli{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	rf.register(fs)
	cf.register(fs, true)
	of.register(fs)
	positional, code, done = c.parseFlags(fs, args, func() string { return helpText(fs, streamUsage, streamAbout) })
	return rf, cf, of, positional, code, done, errOut.String()
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		model      string
		maxTokens  int
		stop       []string
		positional []string
		json       bool
	}{
		{name: "defaults", args: []string{"hi"}, model: defaultModel, maxTokens: 8000, positional: []string{"hi"}},
		{name: "flags after the prompt", args: []string{"tell", "--json", "me", "--max-tokens", "5"},
			model: defaultModel, maxTokens: 5, positional: []string{"tell", "me"}, json: true},
		{name: "double dash ends flags", args: []string{"--", "--json", "-x"},
			model: defaultModel, maxTokens: 8000, positional: []string{"--json", "-x"}},
		{name: "environment fills unset flags", args: []string{"--max-tokens=7"},
			env:   map[string]string{"ROCKSTREAM_MODEL": "amazon.nova-lite-v1:0", "ROCKSTREAM_MAX_TOKENS": "99", "ROCKSTREAM_JSON": "true"},
			model: "amazon.nova-lite-v1:0", maxTokens: 7, json: true},
		{name: "repeatable stop", args: []string{"--stop", "a", "--stop", "b"}, model: defaultModel, maxTokens: 8000, stop: []string{"a", "b"}},
		{name: "stop from env, one", env: map[string]string{"ROCKSTREAM_STOP": "\n\nHuman:"},
			model: defaultModel, maxTokens: 8000, stop: []string{"\n\nHuman:"}},
		{name: "stop from env, JSON list", env: map[string]string{"ROCKSTREAM_STOP": `["x", "y"]`},
			model: defaultModel, maxTokens: 8000, stop: []string{"x", "y"}},
		{name: "stop flag wins over env", args: []string{"--stop", "z"}, env: map[string]string{"ROCKSTREAM_STOP": "x"},
			model: defaultModel, maxTokens: 8000, stop: []string{"z"}},
		{name: "stdin dash", args: []string{"-"}, model: defaultModel, maxTokens: 8000, positional: []string{"-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rf, _, of, positional, code, done, stderr := parseStream(tt.args, tt.env)
			if done {
				t.Fatalf("parse ended with code %d: %s", code, stderr)
			}
			if rf.model != tt.model || rf.maxTokens != tt.maxTokens || of.json != tt.json {
				t.Errorf("model %q max %d json %v", rf.model, rf.maxTokens, of.json)
			}
			if !slices.Equal(rf.stop, tt.stop) {
				t.Errorf("stop = %q, want %q", rf.stop, tt.stop)
			}
			if !slices.Equal(positional, tt.positional) {
				t.Errorf("positional = %q, want %q", positional, tt.positional)
			}
		})
	}
}

func TestParseFlagsUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"--nope"}, nil, "flag provided but not defined: -nope"},
		{"bad number", []string{"--max-tokens", "many"}, nil, "max-tokens"},
		{"bad env", nil, map[string]string{"ROCKSTREAM_TEMPERATURE": "warm"}, "ROCKSTREAM_TEMPERATURE"},
		{"bad env list", nil, map[string]string{"ROCKSTREAM_STOP": "[1"}, "ROCKSTREAM_STOP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, _, code, done, stderr := parseStream(tt.args, tt.env)
			if !done || code != exitUsage {
				t.Fatalf("done %v code %d, want usage error", done, code)
			}
			if !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "Run 'rockstream -h' for usage.") {
				t.Errorf("stderr = %q, want %q and a hint", stderr, tt.want)
			}
		})
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"fine", []string{"--top-p", "0.9", "--api", "converse"}, ""},
		{"zero max tokens", []string{"--max-tokens", "0"}, "--max-tokens"},
		{"negative temperature", []string{"--temperature", "-1"}, "--temperature"},
		{"top-p out of range", []string{"--top-p", "2"}, "--top-p"},
		{"bad api", []string{"--api", "chat"}, "--api"},
		{"local with endpoint", []string{"--local", "--endpoint-url", "http://x"}, "exclude"},
		{"endpoint scheme", []string{"--endpoint-url", "localhost:8080"}, "http://"},
		{"bad pace", []string{"--pace", "fast"}, "--pace"},
		{"json with raw", []string{"--json", "--raw"}, "exclude"},
		{"raw with converse", []string{"--raw", "--api", "converse"}, "--raw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rf, cf, of, _, _, done, stderr := parseStream(tt.args, nil)
			if done {
				t.Fatal(stderr)
			}
			err := rf.check()
			if err == nil {
				err = cf.check()
			}
			if err == nil {
				err = of.check(rf.api)
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	t.Parallel()
	rf, _, _, _, _, _, _ := parseStream([]string{"--system", "be brief", "--top-p", "0.5", "--stop", "END"}, nil)
	req := rf.request(nil)
	if req.Model != defaultModel || req.MaxTokens != 8000 || req.Temperature == nil || *req.Temperature != 0 {
		t.Errorf("lab defaults lost: %+v", req)
	}
	if req.TopP == nil || *req.TopP != 0.5 || !slices.Equal(req.System, []string{"be brief"}) || !slices.Equal(req.StopSequences, []string{"END"}) {
		t.Errorf("flags lost: %+v", req)
	}
	plain, _, _, _, _, _, _ := parseStream(nil, nil)
	if r := plain.request(nil); r.TopP != nil || r.System != nil {
		t.Errorf("unset flags sent: %+v", r)
	}
}

// TestHelpNamesEveryVariable checks that -h of every command shows each of
// its flags' environment variables and the exit codes.
func TestHelpNamesEveryVariable(t *testing.T) {
	t.Parallel()
	_, _, _, _, code, done, _ := parseStream([]string{"-h"}, nil)
	if !done || code != 0 {
		t.Fatalf("-h: done %v code %d", done, code)
	}
	var out strings.Builder
	c := &cli{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	for _, cmd := range commands() {
		out.Reset()
		if code := cmd.run(t.Context(), c, []string{"-h"}); code != 0 {
			t.Errorf("%s -h: exit %d", cmd.name, code)
		}
		help := out.String()
		for _, code := range []string{"Exit codes:", "  2    bad flags or arguments"} {
			if !strings.Contains(help, code) {
				t.Errorf("%s -h lacks %q", cmd.name, code)
			}
		}
		for _, line := range strings.Split(help, "\n") {
			name, ok := strings.CutPrefix(line, "  --")
			if !ok || strings.HasPrefix(name, "help") {
				continue
			}
			name, _, _ = strings.Cut(name, " ")
			if env := envFor(name); env == "" || !strings.Contains(help, "[$"+env+"]") {
				t.Errorf("%s -h: flag --%s has no environment variable shown", cmd.name, name)
			}
		}
	}
}

func TestSettingsAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.flag] || seen[s.env] || !strings.HasPrefix(s.env, "ROCKSTREAM_") {
			t.Errorf("setting %+v repeats a name or lacks the ROCKSTREAM_ prefix", s)
		}
		seen[s.flag], seen[s.env] = true, true
	}
}

// FuzzParseFlags checks that no command line crashes the parser and that
// every one either parses or is a usage error.
func FuzzParseFlags(f *testing.F) {
	f.Add("--json\x00tell me\x00--stop\x00x")
	f.Add("--\x00--model")
	f.Add("--max-tokens=-3\x00-")
	f.Add("-h")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		_, _, _, positional, code, done, _ := parseStream(args, nil)
		if done && code != exitUsage && code != exitOK {
			t.Fatalf("code %d", code)
		}
		if !done && len(positional) > len(args) {
			t.Fatalf("%d positional from %d args", len(positional), len(args))
		}
	})
}

func TestPickCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		name string
		rest []string
	}{
		{nil, "stream", nil},
		{[]string{"Tell me a story"}, "stream", []string{"Tell me a story"}},
		{[]string{"chat", "--model", "m"}, "chat", []string{"--model", "m"}},
		{[]string{"stream", "chat"}, "stream", []string{"chat"}},
		{[]string{"help"}, "stream", []string{"-h"}},
		{[]string{"help", "serve"}, "serve", []string{"-h"}},
	}
	for _, tt := range tests {
		cmd, rest := pickCommand(tt.args)
		if cmd.name != tt.name || !slices.Equal(rest, tt.rest) {
			t.Errorf("pickCommand(%q) = %s %q, want %s %q", tt.args, cmd.name, rest, tt.name, tt.rest)
		}
	}
}
