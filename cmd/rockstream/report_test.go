package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind rockstream.OutcomeKind
		want int
	}{
		{rockstream.Complete, 0},
		{rockstream.Truncated, 0},
		{rockstream.Failed, 1},
		{rockstream.Cancelled, 130},
		{"", 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.kind); got != tt.want {
			t.Errorf("exitCode(%q) = %d, want %d", tt.kind, got, tt.want)
		}
	}
}

func TestDescribeError(t *testing.T) {
	t.Parallel()
	throttled := rockstream.BedrockError("ThrottlingException", "Too many requests.")
	throttled.RequestID, throttled.RetryAfter = "req-9", 3*time.Second
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"typed, with retry hint", throttled,
			"rockstream: ThrottlingException: Too many requests. (request ID req-9)\nrockstream: this is temporary; try again in 3s.\n"},
		{"typed, not retryable", rockstream.BedrockError("ValidationException", "The provided model identifier is invalid."),
			"rockstream: ValidationException: The provided model identifier is invalid.\n"},
		{"wrapped typed", fmt.Errorf("starting: %w", &rockstream.Error{Class: rockstream.ClassAuth, Message: "no credentials:\n  set AWS_PROFILE"}),
			"rockstream: no credentials: set AWS_PROFILE\n"},
		{"plain", errors.New("dial tcp: refused"), "rockstream: dial tcp: refused\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := describeError(tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if n := strings.Count(describeError(tt.err), "\n"); n < 1 || n > 2 {
				t.Errorf("%d lines, want one or two", n)
			}
		})
	}
}

func TestDescribeOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		o       rockstream.Outcome
		printed bool
		want    string
	}{
		{rockstream.Outcome{Kind: rockstream.Complete}, true, ""},
		{rockstream.Outcome{Kind: rockstream.Truncated, StopReason: rockstream.StopSequenceHit}, true, ""},
		{rockstream.Outcome{Kind: rockstream.Truncated, StopReason: rockstream.StopMaxTokens}, true, "--max-tokens"},
		{rockstream.Outcome{Kind: rockstream.Cancelled, Err: context.Canceled}, true, "interrupted; the answer above is incomplete"},
		{rockstream.Outcome{Kind: rockstream.Cancelled, Err: context.Canceled}, false, "interrupted before the answer began"},
		{rockstream.Outcome{Kind: rockstream.Failed, Err: rockstream.BedrockError("AccessDeniedException", "no access")}, false, "AccessDeniedException: no access"},
	}
	for _, tt := range tests {
		got := describeOutcome(tt.o, tt.printed)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("describeOutcome(%s/%s) = %q, want it to contain %q", tt.o.Kind, tt.o.StopReason, got, tt.want)
		}
	}
}

func TestFormatStats(t *testing.T) {
	t.Parallel()
	o := rockstream.Outcome{
		Kind: rockstream.Complete, Usage: rockstream.Usage{InputTokens: 21, OutputTokens: 100},
		TimeToFirstToken: 500 * time.Millisecond, Latency: 2500 * time.Millisecond, RequestID: "req-7",
	}
	got := formatStats(o, false)
	for _, want := range []string{
		"time to first token: 500ms", "output speed:        50.0 tokens/s", "input tokens:        21",
		"output tokens:       100", "total latency:       2.5s", "request ID:          req-7",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stats lack %q:\n%s", want, got)
		}
	}
	empty := formatStats(rockstream.Outcome{Kind: rockstream.Failed}, false)
	if !strings.Contains(empty, "time to first token: -") || !strings.Contains(empty, "output speed:        -") {
		t.Errorf("stats without tokens:\n%s", empty)
	}
	counted := formatStats(rockstream.Outcome{Kind: rockstream.Cancelled, Usage: rockstream.Usage{OutputTokens: 90}}, true)
	if !strings.Contains(counted, "output tokens:       90 (counted here") {
		t.Errorf("stats with counted tokens:\n%s", counted)
	}
}
