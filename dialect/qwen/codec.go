// Package qwen converts Qwen3 InvokeModel bodies and stream chunks
// (qwen.qwen3-32b-v1:0, qwen.qwen3-235b-a22b-2507-v1:0, the Qwen3 Coder
// models …) to and from rockstream's neutral model. The body is an OpenAI
// Chat Completions request; the answer a chat.completion with any
// reasoning in "reasoning_content"; the stream chat.completion.chunk
// objects, the last with Bedrock's invocation metrics.
package qwen

import (
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/chat"
)

// Codec is the Qwen family's codec.
type Codec struct{}

var _ dialect.Codec = Codec{}

var codec = chat.Codec{Spec: chat.Spec{
	Family:       "qwen",
	MaxTokensKey: "max_tokens",
	MaxTokens:    32768,
	Reasoning:    chat.ReasoningField,
}}

// Name is "qwen".
func (Codec) Name() string { return codec.Name() }

// EncodeRequest writes req as a Chat Completions body.
func (Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) { return codec.EncodeRequest(req) }

// DecodeRequest checks a Chat Completions body as Bedrock does.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	return codec.DecodeRequest(modelID, body)
}

// NewStreamDecoder returns a decoder for one stream's chunks.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return codec.NewStreamDecoder() }

// NewStreamEncoder returns an encoder for one stream's chunks.
func (Codec) NewStreamEncoder() dialect.StreamEncoder { return codec.NewStreamEncoder() }

// EncodeResponse writes resp as a chat.completion.
func (Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	return codec.EncodeResponse(resp)
}

// DecodeResponse reads a chat.completion.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	return codec.DecodeResponse(body)
}
