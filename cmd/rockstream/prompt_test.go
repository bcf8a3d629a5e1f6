package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadPrompt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
		usage bool
	}{
		{name: "one argument", args: []string{"Tell me a story"}, stdin: "ignored", want: "Tell me a story"},
		{name: "several arguments", args: []string{"Tell", "me", "a", "story"}, want: "Tell me a story"},
		{name: "stdin when no arguments", stdin: "From a pipe\nsecond line\n", want: "From a pipe\nsecond line"},
		{name: "stdin for dash", args: []string{"-"}, stdin: "dash\r\n", want: "dash"},
		{name: "dash among words is text", args: []string{"a", "-", "b"}, want: "a - b"},
		{name: "empty stdin", stdin: " \n", usage: true},
		{name: "blank argument", args: []string{"  "}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readPrompt(tt.args, strings.NewReader(tt.stdin))
			var ue *usageError
			if tt.usage != errors.As(err, &ue) {
				t.Fatalf("err = %v, usage error wanted: %v", err, tt.usage)
			}
			if got != tt.want {
				t.Errorf("prompt = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzReadPrompt(f *testing.F) {
	f.Add("-", "hello\n")
	f.Add("", "")
	f.Add("a\x00b", "x")
	f.Fuzz(func(t *testing.T, joined, stdin string) {
		var args []string
		if joined != "" {
			args = strings.Split(joined, "\x00")
		}
		p, err := readPrompt(args, strings.NewReader(stdin))
		if err == nil && strings.TrimSpace(p) == "" {
			t.Fatalf("empty prompt accepted from %q / %q", args, stdin)
		}
	})
}

func TestReadPromptCtxGivesUp(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe() // a terminal nobody types into
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := readPromptCtx(ctx, nil, r); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	p, err := readPromptCtx(t.Context(), []string{"from", "args"}, r)
	if err != nil || p != "from args" {
		t.Errorf("got %q, %v", p, err)
	}
}
