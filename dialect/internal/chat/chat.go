// Package chat is the InvokeModel codec of the Bedrock families whose body
// is an OpenAI Chat Completions request (OpenAI gpt-oss, DeepSeek V3,
// Qwen3): the request's "messages", the answer's "chat.completion" and the
// stream's "chat.completion.chunk" objects, the last of which carries
// Bedrock's invocation metrics. What differs between the families is a
// Spec; each family package wraps a Codec with its own.
package chat

import (
	"errors"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/openai"
)

// Reasoning is how a family's answer carries the model's reasoning.
type Reasoning int

const (
	// ReasoningField carries it beside the text, in "reasoning_content"
	// (DeepSeek, Qwen).
	ReasoningField Reasoning = iota
	// ReasoningTags carries it inside the text, first, between
	// "<reasoning>" and "</reasoning>" (gpt-oss on InvokeModel).
	ReasoningTags
)

// Spec is what one family's chat body allows.
type Spec struct {
	Family string // e.g. "gptoss", in messages and Codec.Name
	// MaxTokensKey is the key EncodeRequest writes the token limit in:
	// "max_tokens" or "max_completion_tokens". Both are read.
	MaxTokensKey string
	// MaxTokens is the largest token limit the body accepts.
	MaxTokens int
	// Effort lists the values of "reasoning_effort" the family takes;
	// empty when it takes none.
	Effort    []string
	Reasoning Reasoning
}

// Codec is a chat-completions family's codec.
type Codec struct{ Spec Spec }

var _ dialect.Codec = Codec{}

// Name is the family's name.
func (c Codec) Name() string { return c.Spec.Family }

var (
	errNotChunk  = errors.New(`chunk has no "choices"`)
	errNoChoices = errors.New(`response has no "choices"`)
)

// stopReason maps a finish_reason (or stop_reason) onto the neutral one.
func stopReason(r string) rockstream.StopReason { return openai.StopReasonOf(r) }

// wireStop is the finish_reason for r.
func wireStop(r rockstream.StopReason) string { return openai.FinishReason(r) }

// Tags around gpt-oss reasoning in the answer's text.
const (
	openTag  = "<reasoning>"
	closeTag = "</reasoning>"
)
