package main

import (
	"context"
	"io"
	"strings"
)

// maxPromptBytes bounds a prompt read from stdin.
const maxPromptBytes = 10 << 20

// readPrompt returns the prompt: the arguments joined by spaces, or stdin
// when there are none or the only one is "-".
func readPrompt(args []string, stdin io.Reader) (string, error) {
	if len(args) > 0 && !(len(args) == 1 && args[0] == "-") {
		p := strings.Join(args, " ")
		if strings.TrimSpace(p) == "" {
			return "", usageErrorf("the prompt is empty")
		}
		return p, nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, maxPromptBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxPromptBytes {
		return "", usageErrorf("the prompt on stdin is larger than %d MiB", maxPromptBytes>>20)
	}
	p := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(p) == "" {
		return "", usageErrorf("no prompt: give one as an argument or on stdin")
	}
	return p, nil
}

// readPromptCtx is readPrompt that gives up when ctx ends (Ctrl-C while
// typing a prompt), leaving the read to finish in the background.
func readPromptCtx(ctx context.Context, args []string, stdin io.Reader) (string, error) {
	type result struct {
		prompt string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		p, err := readPrompt(args, stdin)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.prompt, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
