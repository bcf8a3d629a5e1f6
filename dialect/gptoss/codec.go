// Package gptoss converts OpenAI gpt-oss InvokeModel bodies and stream
// chunks (openai.gpt-oss-20b-1:0, openai.gpt-oss-120b-1:0) to and from
// rockstream's neutral model. The body is an OpenAI Chat Completions
// request; the answer a chat.completion whose text opens with the model's
// reasoning between "<reasoning>" tags; the stream chat.completion.chunk
// objects, the last with Bedrock's invocation metrics.
package gptoss

import (
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/chat"
)

// Codec is the gpt-oss family's codec.
type Codec struct{}

var _ dialect.Codec = Codec{}

// codec holds what the gpt-oss body allows: max_completion_tokens (as
// Converse maps maxTokens), a reasoning effort, reasoning in tags.
var codec = chat.Codec{Spec: chat.Spec{
	Family:       "gptoss",
	MaxTokensKey: "max_completion_tokens",
	MaxTokens:    128000,
	Effort:       []string{"low", "medium", "high"},
	Reasoning:    chat.ReasoningTags,
}}

// Name is "gptoss".
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
