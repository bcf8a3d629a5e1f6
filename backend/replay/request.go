package replay

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
)

// Request is the recorded form of a rockstream.Request: the model and the
// body that decide the answer, with secrets removed.
type Request struct {
	Model          string      `json:"model"`
	System         []string    `json:"system,omitempty"`
	Messages       []Message   `json:"messages"`
	MaxTokens      int         `json:"max_tokens,omitempty"`
	Temperature    *float64    `json:"temperature,omitempty"`
	TopP           *float64    `json:"top_p,omitempty"`
	TopK           *int        `json:"top_k,omitempty"`
	StopSequences  []string    `json:"stop_sequences,omitempty"`
	Tools          []Tool      `json:"tools,omitempty"`
	ToolChoice     *ToolChoice `json:"tool_choice,omitempty"`
	ThinkingBudget int         `json:"thinking_budget,omitempty"`
}

// Message is one recorded turn.
type Message struct {
	Role    string  `json:"role"`
	Content []Block `json:"content"`
}

// Block is one recorded content block; images keep their type and size
// only.
type Block struct {
	Type       string          `json:"type"`
	Text       string          `json:"text,omitempty"`
	ToolUseID  string          `json:"tool_use_id,omitempty"`
	Name       string          `json:"name,omitempty"`
	Input      json.RawMessage `json:"input,omitempty"`
	Content    []Block         `json:"content,omitempty"`
	IsError    bool            `json:"is_error,omitempty"`
	Signature  string          `json:"signature,omitempty"`
	Data       string          `json:"data,omitempty"`
	ImageType  string          `json:"image_type,omitempty"`
	ImageBytes int             `json:"image_bytes,omitempty"`
}

// Tool is a recorded tool definition.
type Tool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
}

// ToolChoice is a recorded tool choice.
type ToolChoice struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// FromRequest is the recorded form of req, secrets removed.
func FromRequest(req *rockstream.Request) Request {
	r := Request{
		Model: req.Model, MaxTokens: req.MaxTokens, Temperature: req.Temperature, TopP: req.TopP,
		TopK: req.TopK, StopSequences: req.StopSequences,
	}
	for _, s := range req.System {
		r.System = append(r.System, Redact(s))
	}
	for _, m := range req.Messages {
		r.Messages = append(r.Messages, Message{Role: string(m.Role), Content: blocks(m.Content)})
	}
	for _, t := range req.Tools {
		r.Tools = append(r.Tools, Tool{Name: t.Name, Description: t.Description, InputSchema: t.InputSchema})
	}
	if tc := req.ToolChoice; tc != nil {
		r.ToolChoice = &ToolChoice{Type: tc.Type, Name: tc.Name}
	}
	if req.Thinking != nil {
		r.ThinkingBudget = req.Thinking.BudgetTokens
	}
	return r
}

func blocks(in []rockstream.Block) []Block {
	var out []Block
	for _, b := range in {
		rb := Block{
			Type: string(b.Type), Text: Redact(b.Text), ToolUseID: b.ToolUseID, Name: b.Name,
			Input: redactJSON(b.Input), Content: blocks(b.Content), IsError: b.IsError,
			Signature: b.Signature, Data: b.Data,
		}
		if b.Image != nil {
			rb.ImageType, rb.ImageBytes = b.Image.MediaType, len(b.Image.Data)
		}
		out = append(out, rb)
	}
	return out
}

func redactJSON(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	red := Redact(string(raw))
	if !json.Valid([]byte(red)) {
		return json.RawMessage(`"[REDACTED]"`)
	}
	return json.RawMessage(red)
}
