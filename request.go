// Package rockstream is the neutral model every stream passes through: a
// Request, a closed set of Events, and one Outcome per stream. Each wire
// format (Bedrock invoke per model family, Converse, OpenAI, Anthropic SSE)
// converts to and from this model once, so any backend can feed any frontend.
package rockstream

import "encoding/json"

// Role is who wrote a message.
type Role string

const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// BlockType names the kind of a content block.
type BlockType string

const (
	BlockText             BlockType = "text"
	BlockImage            BlockType = "image"
	BlockToolUse          BlockType = "tool_use"
	BlockToolResult       BlockType = "tool_result"
	BlockThinking         BlockType = "thinking"
	BlockRedactedThinking BlockType = "redacted_thinking"
	BlockDocument         BlockType = "document"
	// BlockGuardContent is text a guardrail evaluates (Converse's
	// guardContent); the model reads it as ordinary text.
	BlockGuardContent BlockType = "guard_content"
)

// Request is one model invocation, independent of wire format.
type Request struct {
	// Model is the model ID, inference-profile ID or ARN as the caller gave it.
	Model    string
	System   []string
	Messages []Message
	// MaxTokens caps the generated tokens; zero means the dialect's default.
	MaxTokens int
	// Temperature, TopP and TopK are nil when the caller did not set them.
	Temperature   *float64
	TopP          *float64
	TopK          *int
	StopSequences []string
	Tools         []Tool
	ToolChoice    *ToolChoice
	// Thinking, when set, asks for extended reasoning with this token budget.
	Thinking *Thinking
	// Options is everything else the caller asked for (cache points on
	// system prompts, guardrails, metadata, tiers, output formats, extra
	// model fields …); its zero value asks for nothing. See options.go.
	Options
	// Wire, when set, is the request as its caller sent it, so a backend
	// that speaks the same wire passes it on unchanged (see Wire).
	Wire *Wire `json:"-"`
}

// Message is one turn of a conversation.
type Message struct {
	Role    Role
	Content []Block
}

// Block is one content block of a message. Which fields are set depends on
// Type: Text for text, thinking and guard content; ToolUseID, Name and Input
// for tool_use; ToolUseID, Content and IsError for tool_result; Signature
// for thinking; Data for redacted thinking; Image for image; Document for
// document; Qualifiers for guard content.
type Block struct {
	Type      BlockType
	Text      string
	ToolUseID string
	Name      string
	Input     json.RawMessage
	Content   []Block
	IsError   bool
	Signature string
	Data      string
	Image     *Image
	Document  *Document `json:",omitempty"`
	// Qualifiers tell a guardrail how to read guard content
	// ("grounding_source", "query", "guard_content"); nil means none.
	Qualifiers []string `json:",omitempty"`
	// Cache, when set, marks the prompt up to and including this block as
	// a prefix to cache; nil means no cache point here.
	Cache *CachePoint `json:",omitempty"`
}

// Image is an inline image.
type Image struct {
	MediaType string // e.g. "image/png"
	Data      []byte
}

// Tool is a function the model may call.
type Tool struct {
	Name        string
	Description string
	InputSchema json.RawMessage
	// Cache, when set, marks the tool definitions up to and including
	// this one as a prefix to cache; nil means no cache point here.
	Cache *CachePoint `json:",omitempty"`
}

// ToolChoice says whether and which tool the model must call.
type ToolChoice struct {
	Type string // "auto", "any", "tool" or "none"
	Name string // for Type "tool"
}

// Thinking enables extended reasoning.
type Thinking struct {
	BudgetTokens int
}

// Text returns a user message holding one text block.
func UserText(text string) Message {
	return Message{Role: RoleUser, Content: []Block{{Type: BlockText, Text: text}}}
}

// TextOf joins the text blocks of content.
func TextOf(content []Block) string {
	var n int
	for _, b := range content {
		if b.Type == BlockText {
			n += len(b.Text)
		}
	}
	buf := make([]byte, 0, n)
	for _, b := range content {
		if b.Type == BlockText {
			buf = append(buf, b.Text...)
		}
	}
	return string(buf)
}
