// Package anthropic converts the Anthropic Messages wire format to and from
// rockstream's neutral model. Bedrock serves Claude through InvokeModel with
// a Messages body (no "model" or "stream" keys, plus "anthropic_version"),
// and its stream chunks are the Messages stream events, so the same
// converters serve the Bedrock Anthropic family (Codec) and the gateway's
// first-party /v1/messages endpoint (FromMessagesRequest, NewSSEEncoder).
package anthropic

import "encoding/json"

// BedrockVersion is the anthropic_version Bedrock documents.
const BedrockVersion = "bedrock-2023-05-31"

// DefaultMaxTokens is sent when a request leaves MaxTokens zero: the
// Messages API requires max_tokens.
const DefaultMaxTokens = 4096

// wireRequest is a Messages request body. Model and Stream are set only for
// the first-party API; AnthropicVersion only for Bedrock.
type wireRequest struct {
	AnthropicVersion string          `json:"anthropic_version,omitempty"`
	Model            string          `json:"model,omitempty"`
	MaxTokens        int             `json:"max_tokens"`
	System           any             `json:"system,omitempty"`
	Messages         []wireMessage   `json:"messages"`
	Temperature      *float64        `json:"temperature,omitempty"`
	TopP             *float64        `json:"top_p,omitempty"`
	TopK             *int            `json:"top_k,omitempty"`
	StopSequences    []string        `json:"stop_sequences,omitempty"`
	Tools            []wireTool      `json:"tools,omitempty"`
	ToolChoice       *wireToolChoice `json:"tool_choice,omitempty"`
	Thinking         *wireThinking   `json:"thinking,omitempty"`
	AnthropicBeta    []string        `json:"anthropic_beta,omitempty"`
	Stream           bool            `json:"stream,omitempty"`
	// Extra are top-level keys with no neutral form, merged in by marshal.
	Extra map[string]json.RawMessage `json:"-"`
}

type wireMessage struct {
	Role    string      `json:"role"`
	Content []wireBlock `json:"content"`
}

// wireBlock is any content block; which fields are set depends on Type.
// Pointers mark fields that must appear even when empty.
type wireBlock struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text,omitempty"`
	Source    *wireSource     `json:"source,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   []wireBlock     `json:"content,omitempty"`
	IsError   bool            `json:"is_error,omitempty"`
	Thinking  *string         `json:"thinking,omitempty"`
	Signature *string         `json:"signature,omitempty"`
	Data      string          `json:"data,omitempty"`
	// Document blocks.
	Title     string         `json:"title,omitempty"`
	Context   string         `json:"context,omitempty"`
	Citations *wireCitations `json:"citations,omitempty"`
	// CacheControl marks the prompt up to this block for caching.
	CacheControl *wireCacheControl `json:"cache_control,omitempty"`
}

type wireCacheControl struct {
	Type string `json:"type"`
	TTL  string `json:"ttl,omitempty"`
}

type wireCitations struct {
	Enabled bool `json:"enabled"`
}

// wireSource is an image's or a document's source. Data is base64 for
// "base64" sources and plain text for "text" ones, so it stays raw JSON.
type wireSource struct {
	Type      string          `json:"type"`
	MediaType string          `json:"media_type"`
	Data      json.RawMessage `json:"data"`
}

type wireSystemBlock struct {
	Type         string            `json:"type"`
	Text         string            `json:"text"`
	CacheControl *wireCacheControl `json:"cache_control,omitempty"`
}

type wireTool struct {
	Name         string            `json:"name"`
	Description  string            `json:"description,omitempty"`
	InputSchema  json.RawMessage   `json:"input_schema"`
	CacheControl *wireCacheControl `json:"cache_control,omitempty"`
}

type wireToolChoice struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

type wireThinking struct {
	Type         string `json:"type"`
	BudgetTokens int    `json:"budget_tokens,omitempty"`
}

// wireUsage is the usage object of message_start, message_delta and a
// whole message.
type wireUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	OutputTokens             int `json:"output_tokens"`
}

// wireMessageBody is a whole assistant message: the non-streaming response
// body and the "message" of message_start.
type wireMessageBody struct {
	ID           string      `json:"id"`
	Type         string      `json:"type"`
	Role         string      `json:"role"`
	Model        string      `json:"model"`
	Content      []wireBlock `json:"content"`
	StopReason   *string     `json:"stop_reason"`
	StopSequence *string     `json:"stop_sequence"`
	Usage        wireUsage   `json:"usage"`
}

func ptr[T any](v T) *T { return &v }

// nullable is s, or nil (JSON null) when s is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
