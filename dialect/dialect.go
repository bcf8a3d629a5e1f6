// Package dialect defines how a Bedrock model family's InvokeModel wire
// format converts to and from rockstream's neutral model. Each family lives
// in its own package (dialect/anthropic, dialect/titan, …) and implements
// Codec with pure functions: no I/O, so the client decodes and the local
// runtime encodes with the same code.
package dialect

import (
	"time"

	"github.com/rockstream/rockstream"
)

// Codec converts one model family's request bodies and stream chunks.
type Codec interface {
	// Name is the family's name, e.g. "anthropic".
	Name() string
	// EncodeRequest builds the model-native request body (client side).
	// What neither the body nor InvokeModel's headers carry is refused
	// with a validation error naming it (CheckInvoke); EncodeInvoke adds
	// the headers and the guardrail body key.
	EncodeRequest(req *rockstream.Request) ([]byte, error)
	// DecodeRequest parses and validates a model-native body (runtime
	// side). Bad bodies fail with a *rockstream.Error of class validation
	// whose message reads as Bedrock's ("Malformed input request: …").
	DecodeRequest(modelID string, body []byte) (*rockstream.Request, error)
	// NewStreamDecoder returns a decoder for one stream's chunks.
	NewStreamDecoder() StreamDecoder
	// NewStreamEncoder returns an encoder for one stream's chunks.
	NewStreamEncoder() StreamEncoder
	// EncodeResponse builds the InvokeModel (non-streaming) response body.
	EncodeResponse(resp *rockstream.Response) ([]byte, error)
	// DecodeResponse parses an InvokeModel response body.
	DecodeResponse(body []byte) (*rockstream.Response, error)
}

// StreamDecoder turns the model JSON inside each chunk event into neutral
// events. It is stateful: one per stream.
type StreamDecoder interface {
	// Decode appends the events that chunk carries to dst. Malformed JSON
	// or a chunk that cannot follow the ones before it is an error.
	Decode(dst []rockstream.Event, chunk []byte) ([]rockstream.Event, error)
	// Done reports whether the model's final chunk has been decoded; a
	// stream that ends before it is incomplete.
	Done() bool
}

// StreamEncoder turns neutral events into chunk JSON. It is stateful: an
// event may produce no chunk yet (a family whose final chunk merges the
// stop reason with usage holds MessageStop until Metadata).
type StreamEncoder interface {
	// Encode appends the chunks for ev to dst.
	Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error)
	// Flush appends whatever is held, for a stream that ends without
	// Metadata.
	Flush(dst [][]byte) ([][]byte, error)
}

// InvocationMetrics is the "amazon-bedrock-invocationMetrics" object that
// every family merges into its final chunk.
type InvocationMetrics struct {
	InputTokenCount   int `json:"inputTokenCount"`
	OutputTokenCount  int `json:"outputTokenCount"`
	InvocationLatency int `json:"invocationLatency"`
	FirstByteLatency  int `json:"firstByteLatency"`
	// The prompt cache's tokens, present when a cache point was used;
	// a family whose chunks carry them sets them (NewInvocationMetrics
	// leaves them zero).
	CacheReadInputTokenCount  int `json:"cacheReadInputTokenCount,omitempty"`
	CacheWriteInputTokenCount int `json:"cacheWriteInputTokenCount,omitempty"`
}

// MetricsKey is the JSON key of InvocationMetrics in a final chunk.
const MetricsKey = "amazon-bedrock-invocationMetrics"

// NewInvocationMetrics is the metrics object for m.
func NewInvocationMetrics(m rockstream.Metadata) *InvocationMetrics {
	return &InvocationMetrics{
		InputTokenCount:   m.Usage.InputTokens,
		OutputTokenCount:  m.Usage.OutputTokens,
		InvocationLatency: int(m.Metrics.InvocationLatency.Milliseconds()),
		FirstByteLatency:  int(m.Metrics.FirstByteLatency.Milliseconds()),
	}
}

// Metadata is the neutral event for the metrics object.
func (im *InvocationMetrics) Metadata() rockstream.Metadata {
	return rockstream.Metadata{
		Usage: rockstream.Usage{InputTokens: im.InputTokenCount, OutputTokens: im.OutputTokenCount,
			CacheReadInputTokens: im.CacheReadInputTokenCount, CacheWriteInputTokens: im.CacheWriteInputTokenCount},
		Metrics: rockstream.Metrics{
			InvocationLatency: time.Duration(im.InvocationLatency) * time.Millisecond,
			FirstByteLatency:  time.Duration(im.FirstByteLatency) * time.Millisecond,
		},
	}
}
