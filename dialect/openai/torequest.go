package openai

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

// ToChatRequest builds the chat completions body for req, for a backend
// that talks to an OpenAI-compatible server. A stream asks for usage, so
// every stream can report it. What chat completions cannot carry
// (guardrails, documents, Bedrock's extra fields …) is refused with a
// validation error whose Err is a *rockstream.FeatureError.
func ToChatRequest(req *rockstream.Request, stream bool) (*ChatRequest, error) {
	cr := &ChatRequest{Model: req.Model, Temperature: req.Temperature, TopP: req.TopP, Stream: stream}
	if err := writeOptions(req, cr); err != nil {
		return nil, err
	}
	if stream {
		cr.StreamOptions = &StreamOptions{IncludeUsage: true}
	}
	if req.MaxTokens > 0 {
		n := req.MaxTokens
		cr.MaxTokens = &n
	}
	if len(req.StopSequences) > 0 {
		cr.Stop = mustMarshal(req.StopSequences)
	}
	for _, s := range req.System {
		cr.Messages = append(cr.Messages, ChatMessage{Role: "system", Content: mustMarshal(s)})
	}
	for i, m := range req.Messages {
		msgs, err := toMessages(m)
		if err != nil {
			return nil, fmt.Errorf("openai: message %d: %w", i, err)
		}
		cr.Messages = append(cr.Messages, msgs...)
	}
	for _, t := range req.Tools {
		cr.Tools = append(cr.Tools, Tool{Type: "function", Function: FunctionDef{
			Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
	}
	if tc := req.ToolChoice; tc != nil {
		switch tc.Type {
		case "any":
			cr.ToolChoice = mustMarshal("required")
		case "tool":
			cr.ToolChoice = mustMarshal(map[string]any{"type": "function", "function": map[string]string{"name": tc.Name}})
		default:
			cr.ToolChoice = mustMarshal(tc.Type)
		}
	}
	return cr, nil
}

// toMessages converts one neutral message: tool results become tool
// messages (before the rest of the user's turn), tool uses tool_calls.
func toMessages(m rockstream.Message) ([]ChatMessage, error) {
	var out []ChatMessage
	var parts []ContentPart
	var calls []ToolCall
	for _, b := range m.Content {
		switch b.Type {
		case rockstream.BlockText:
			parts = append(parts, ContentPart{Type: "text", Text: b.Text})
		case rockstream.BlockImage:
			if b.Image == nil {
				return nil, fmt.Errorf("image block without an image")
			}
			url := "data:" + b.Image.MediaType + ";base64," + base64.StdEncoding.EncodeToString(b.Image.Data)
			parts = append(parts, ContentPart{Type: "image_url", ImageURL: &ImageURL{URL: url}})
		case rockstream.BlockToolResult:
			out = append(out, ChatMessage{Role: "tool", ToolCallID: b.ToolUseID, Content: mustMarshal(rockstream.TextOf(b.Content))})
		case rockstream.BlockToolUse:
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			calls = append(calls, ToolCall{ID: b.ToolUseID, Type: "function", Function: FunctionCall{Name: b.Name, Arguments: args}})
		case rockstream.BlockThinking, rockstream.BlockRedactedThinking:
			// Chat completions has no way to send reasoning back.
		default:
			return nil, fmt.Errorf("block type %q has no chat completions form", b.Type)
		}
	}
	if len(parts) == 0 && len(calls) == 0 {
		return out, nil
	}
	msg := ChatMessage{Role: string(m.Role), ToolCalls: calls}
	switch {
	case len(parts) == 0:
		msg.Content = json.RawMessage("null")
	case m.Role == rockstream.RoleAssistant || onlyText(parts):
		var text string
		for _, p := range parts {
			text += p.Text
		}
		msg.Content = mustMarshal(text)
	default:
		msg.Content = mustMarshal(parts)
	}
	return append(out, msg), nil
}

func onlyText(parts []ContentPart) bool {
	for _, p := range parts {
		if p.Type != "text" {
			return false
		}
	}
	return len(parts) == 1
}
