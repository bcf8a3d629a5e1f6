// Package qwen converts Qwen3 InvokeModel bodies and stream chunks
// (qwen.qwen3-32b-v1:0, qwen.qwen3-235b-a22b-2507-v1:0, the Qwen3 Coder
// models …) to and from rockstream's neutral model. The body is an OpenAI
// Chat Completions request; the answer a chat.completion with any
// reasoning in "reasoning_content"; the stream chat.completion.chunk
// objects, the last with Bedrock's invocation metrics.
package qwen

import (
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/chat"
)

// New returns the qwen family's codec: the Chat Completions codec with
// what the qwen body allows.
func New() dialect.Codec { return codec }

var codec = chat.Codec{Spec: chat.Spec{
	Family:       "qwen",
	MaxTokensKey: "max_tokens",
	MaxTokens:    32768,
	Reasoning:    chat.ReasoningField,
}}
