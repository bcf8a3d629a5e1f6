package main

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/rockstream/rockstream"
)

// Exit codes, documented in -h.
const (
	exitOK          = 0   // the answer finished (or was cut by max tokens or a stop sequence)
	exitFailed      = 1   // the request or the stream failed
	exitUsage       = 2   // bad flags or arguments
	exitInterrupted = 130 // Ctrl-C (SIGINT) stopped the answer
)

// exitCode maps how a stream ended to the process's exit code.
func exitCode(k rockstream.OutcomeKind) int {
	switch k {
	case rockstream.Complete, rockstream.Truncated:
		return exitOK
	case rockstream.Cancelled:
		return exitInterrupted
	}
	return exitFailed
}

// describeError is the one or two stderr lines for a failure: the error's
// own message (for a *rockstream.Error, the actionable text the bedrock
// package wrote), then whether waiting helps.
func describeError(err error) string {
	var re *rockstream.Error
	if !errors.As(err, &re) {
		return "rockstream: " + oneLine(err.Error()) + "\n"
	}
	var b strings.Builder
	b.WriteString("rockstream: " + oneLine(re.Error()) + "\n")
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		b.WriteString("rockstream: nothing is listening at that address: start the server (rockstream serve) or check --endpoint-url.\n")
	case re.Retryable && re.RetryAfter > 0:
		fmt.Fprintf(&b, "rockstream: this is temporary; try again in %s.\n", re.RetryAfter.Round(time.Second))
	case re.Retryable:
		b.WriteString("rockstream: this is temporary; try again in a moment.\n")
	}
	return b.String()
}

// oneLine joins a multi-line message so a failure stays readable.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// describeOutcome is what stderr says about how an answer ended, or ""
// when it simply finished. printed says whether any of it was printed.
func describeOutcome(o rockstream.Outcome, printed bool) string {
	switch o.Kind {
	case rockstream.Cancelled:
		if !printed {
			return "rockstream: interrupted before the answer began.\n"
		}
		return "rockstream: interrupted; the answer above is incomplete.\n"
	case rockstream.Failed:
		return describeError(o.Err)
	case rockstream.Truncated:
		if o.StopReason == rockstream.StopMaxTokens {
			return "rockstream: the answer reached the token limit (raise --max-tokens for more).\n"
		}
	}
	return ""
}

// formatStats is the --stats block: time to first token, output speed,
// tokens, total latency and request ID.
func formatStats(o rockstream.Outcome, counted bool) string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "rockstream: %-20s %s\n", k+":", v) }
	if o.TimeToFirstToken > 0 {
		line("time to first token", round(o.TimeToFirstToken).String())
	} else {
		line("time to first token", "-")
	}
	line("output speed", tokensPerSecond(o))
	line("input tokens", fmt.Sprint(o.Usage.InputTokens))
	if counted {
		line("output tokens", fmt.Sprintf("%d (counted here: the stream ended before the server's usage)", o.Usage.OutputTokens))
	} else {
		line("output tokens", fmt.Sprint(o.Usage.OutputTokens))
	}
	line("total latency", round(o.Latency).String())
	id := o.RequestID
	if id == "" {
		id = "-"
	}
	line("request ID", id)
	return b.String()
}

// tokensPerSecond is the output speed after the first token.
func tokensPerSecond(o rockstream.Outcome) string {
	gen := o.Latency - o.TimeToFirstToken
	if o.TimeToFirstToken <= 0 || gen <= 0 || o.Usage.OutputTokens == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f tokens/s", float64(o.Usage.OutputTokens)/gen.Seconds())
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}
