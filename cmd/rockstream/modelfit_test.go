package main

import (
	"strings"
	"testing"
)

func TestModelDefaultsFitTheFamily(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{fast, "--model", "meta.llama3-8b-instruct-v1:0", "hi"},
		{fast, "--model", "cohere.command-text-v14", "hi"},
		{fast, "--model", "cohere.command-text-v14", "--temperature", "4", "hi"},
		{"count", "--model", "meta.llama3-8b-instruct-v1:0", "hi"},
		{"count", "--model", "cohere.command-text-v14", "hi"},
	} {
		stdout, stderr, code := invocation{args: args}.run(t)
		if code != 0 || stdout == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s", args, code, stdout, stderr)
		}
	}
}

func TestOutOfRangeFlagsAreRefusedLocally(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     invocation
		stderr string
	}{
		{"llama max tokens", invocation{args: []string{"--model", "meta.llama3-8b-instruct-v1:0", "--max-tokens", "4000", "hi"}},
			"pass --max-tokens 2048 or less"},
		{"max tokens from the environment", invocation{args: []string{"--model", "cohere.command-r-v1:0", "hi"}, env: []string{"ROCKSTREAM_MAX_TOKENS=8000"}},
			"pass --max-tokens 4096 or less"},
		{"count max tokens", invocation{args: []string{"count", "--model", "meta.llama3-8b-instruct-v1:0", "--max-tokens", "4000", "hi"}},
			"pass --max-tokens 2048 or less"},
		{"temperature", invocation{args: []string{"--temperature", "5", "hi"}}, "use a value from 0 to 1"},
		{"cohere chat temperature", invocation{args: []string{"--model", "cohere.command-r-v1:0", "--temperature", "2", "hi"}}, "use a value from 0 to 1"},
		{"converse temperature", invocation{args: []string{"--api", "converse", "--model", "deepseek.r1-v1:0", "--temperature", "3", "hi"}}, "use a value from 0 to 1"},
		{"unknown model", invocation{args: []string{"--model", "nonsense-model", "hi"}}, `unknown model "nonsense-model"`},
		{"unknown model as JSON", invocation{args: []string{"--json", "--model", "nonsense-model", "hi"}}, `unknown model "nonsense-model"`},
		{"unknown model in chat", invocation{args: []string{"chat", "--model", "nonsense-model"}}, `unknown model "nonsense-model"`},
		{"llama stop", invocation{args: []string{"--model", "meta.llama3-8b-instruct-v1:0", "--stop", "END", "hi"}}, "takes no stop sequences: drop --stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := tt.in.run(t)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing; stderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			for _, never := range []string{"ValidationException", "status_code", "local runtime"} {
				if strings.Contains(stderr, never) {
					t.Errorf("stderr has %q: the check was not local:\n%s", never, stderr)
				}
			}
		})
	}
}
