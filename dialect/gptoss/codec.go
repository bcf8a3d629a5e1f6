// Package gptoss converts OpenAI gpt-oss InvokeModel bodies and stream
// chunks (openai.gpt-oss-20b-1:0, openai.gpt-oss-120b-1:0) to and from
// rockstream's neutral model. The body is an OpenAI Chat Completions
// request; the answer a chat.completion whose text opens with the model's
// reasoning between "<reasoning>" tags; the stream chat.completion.chunk
// objects, the last with Bedrock's invocation metrics.
package gptoss

import (
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/chat"
)

// New returns the gptoss family's codec: the Chat Completions codec with
// what the gptoss body allows.
func New() dialect.Codec { return codec }

// codec holds what the gpt-oss body allows: max_completion_tokens (as
// Converse maps maxTokens), a reasoning effort, reasoning in tags.
var codec = chat.Codec{Spec: chat.Spec{
	Family:       "gptoss",
	MaxTokensKey: "max_completion_tokens",
	MaxTokens:    128000,
	Effort:       []string{"low", "medium", "high"},
	Reasoning:    chat.ReasoningTags,
}}
