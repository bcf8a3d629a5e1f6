package main

import (
	"errors"
	"time"

	"github.com/rockstream/rockstream"
)

// The --json outcome line; events use rockstream's event JSON
// (rockstream.MarshalEvent). Fields in snake_case, durations in
// milliseconds.

type usageJSON struct {
	InputTokens           int `json:"input_tokens"`
	OutputTokens          int `json:"output_tokens"`
	CacheReadInputTokens  int `json:"cache_read_input_tokens,omitempty"`
	CacheWriteInputTokens int `json:"cache_write_input_tokens,omitempty"`
	// OutputTokensCounted is true when the stream ended before the
	// server's usage and output_tokens is the deltas rockstream counted.
	OutputTokensCounted bool `json:"output_tokens_counted,omitempty"`
}

type metricsJSON struct {
	FirstByteLatencyMS  int64 `json:"first_byte_latency_ms"`
	InvocationLatencyMS int64 `json:"invocation_latency_ms"`
}

type errorJSON struct {
	Class        string `json:"class"`
	Code         string `json:"code,omitempty"`
	Message      string `json:"message"`
	StatusCode   int    `json:"status_code,omitempty"`
	Retryable    bool   `json:"retryable"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
	RequestID    string `json:"request_id,omitempty"`
	InStream     bool   `json:"in_stream"`
}

type outcomeLineJSON struct {
	Type               string      `json:"type"`
	Kind               string      `json:"kind"`
	StopReason         string      `json:"stop_reason,omitempty"`
	Usage              usageJSON   `json:"usage"`
	Metrics            metricsJSON `json:"metrics"`
	TimeToFirstTokenMS int64       `json:"time_to_first_token_ms"`
	LatencyMS          int64       `json:"latency_ms"`
	RequestID          string      `json:"request_id,omitempty"`
	Error              *errorJSON  `json:"error,omitempty"`
}

// outcomeJSON is the final --json line.
func outcomeJSON(o rockstream.Outcome) outcomeLineJSON {
	line := outcomeLineJSON{
		Type: "outcome", Kind: string(o.Kind), StopReason: string(o.StopReason),
		Usage: toUsageJSON(o.Usage), Metrics: toMetricsJSON(o.Metrics),
		TimeToFirstTokenMS: ms(o.TimeToFirstToken), LatencyMS: ms(o.Latency),
		RequestID: o.RequestID,
	}
	if o.Err != nil && o.Kind == rockstream.Failed {
		line.Error = toErrorJSON(o.Err)
	}
	return line
}

func toUsageJSON(u rockstream.Usage) usageJSON {
	return usageJSON{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens,
		CacheReadInputTokens: u.CacheReadInputTokens, CacheWriteInputTokens: u.CacheWriteInputTokens}
}

func toMetricsJSON(m rockstream.Metrics) metricsJSON {
	return metricsJSON{ms(m.FirstByteLatency), ms(m.InvocationLatency)}
}

func toErrorJSON(err error) *errorJSON {
	var re *rockstream.Error
	if !errors.As(err, &re) {
		re = rockstream.AsError(err)
	}
	msg := re.Message
	if msg == "" {
		msg = err.Error()
	}
	return &errorJSON{
		Class: string(re.Class), Code: re.Code, Message: msg, StatusCode: re.StatusCode,
		Retryable: re.Retryable, RetryAfterMS: ms(re.RetryAfter), RequestID: re.RequestID,
		InStream: re.InStream,
	}
}

func ms(d time.Duration) int64 { return d.Milliseconds() }
