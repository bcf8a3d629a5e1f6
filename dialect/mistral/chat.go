package mistral

import (
	"encoding/json"
	"strconv"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

type chatRequest struct {
	Messages    []chatMessage `json:"messages"`
	Tools       []chatTool    `json:"tools,omitempty"`
	ToolChoice  string        `json:"tool_choice,omitempty"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Temperature *float64      `json:"temperature,omitempty"`
	TopP        *float64      `json:"top_p,omitempty"`
}

type chatMessage struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type toolCall struct {
	ID       string   `json:"id"`
	Function function `json:"function"`
}

type function struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type chatTool struct {
	Type     string       `json:"type"`
	Function toolFunction `json:"function"`
}

type toolFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

func encodeChatRequest(req *rockstream.Request) ([]byte, error) {
	if req.Thinking != nil {
		return nil, prompt.Unsupported(name, "extended thinking")
	}
	if len(req.StopSequences) > 0 || req.TopK != nil {
		return nil, prompt.Unsupported(name, "stop sequences or top_k in the chat form")
	}
	body := chatRequest{MaxTokens: req.MaxTokens, Temperature: req.Temperature, TopP: req.TopP}
	for _, s := range req.System {
		body.Messages = append(body.Messages, chatMessage{Role: "system", Content: s})
	}
	for _, m := range req.Messages {
		msgs, err := chatMessages(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, msgs...)
	}
	for _, t := range req.Tools {
		body.Tools = append(body.Tools, chatTool{Type: "function", Function: toolFunction{Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
	}
	if tc := req.ToolChoice; tc != nil {
		if tc.Type == "tool" {
			return nil, prompt.Unsupported(name, "a tool choice naming one tool")
		}
		body.ToolChoice = tc.Type
	}
	return prompt.JSON(body)
}

// chatMessages turns one neutral message into Mistral's: tool results each
// become a "tool" message, ahead of any text of the same turn.
func chatMessages(m rockstream.Message) ([]chatMessage, error) {
	out := chatMessage{Role: string(m.Role)}
	var results []chatMessage
	text := false
	for _, b := range m.Content {
		switch {
		case b.Type == rockstream.BlockText:
			out.Content += b.Text
			text = true
		case b.Type == rockstream.BlockToolUse && m.Role == rockstream.RoleAssistant:
			out.ToolCalls = append(out.ToolCalls, toolCall{ID: b.ToolUseID, Function: function{Name: b.Name, Arguments: string(input(b.Input))}})
		case b.Type == rockstream.BlockToolResult && m.Role == rockstream.RoleUser:
			results = append(results, chatMessage{Role: "tool", ToolCallID: b.ToolUseID, Content: rockstream.TextOf(b.Content)})
		default:
			return nil, prompt.Unsupported(name, string(b.Type)+" content in a "+string(m.Role)+" message")
		}
	}
	if text || len(out.ToolCalls) > 0 || len(results) == 0 {
		results = append(results, out)
	}
	return results, nil
}

func input(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

func decodeChatRequest(b *prompt.Body, req *rockstream.Request) error {
	b.Allow("messages", "tools", "tool_choice", "max_tokens", "temperature", "top_p")
	if n := b.Int("max_tokens", 1, 8192); n != nil {
		req.MaxTokens = *n
	}
	req.Temperature = b.Float("temperature", 0, 1)
	req.TopP = b.Float("top_p", 0, 1)
	if tc, ok := b.Enum("tool_choice", "auto", "any", "none"); ok {
		req.ToolChoice = &rockstream.ToolChoice{Type: tc}
	}
	for i, raw := range b.Array("tools") {
		t := b.Element("tools", i, raw)
		if t == nil {
			continue
		}
		t.Allow("type", "function")
		t.Require("function")
		t.Enum("type", "function")
		if f := t.Object("function"); f != nil {
			f.Allow("name", "description", "parameters")
			f.Require("name")
			n, _ := f.String("name")
			d, _ := f.String("description")
			req.Tools = append(req.Tools, rockstream.Tool{Name: n, Description: d, InputSchema: f.Raw("parameters")})
		}
	}
	for i, raw := range b.Array("messages") {
		if m := b.Element("messages", i, raw); m != nil {
			decodeChatMessage(m, req)
		}
	}
	if err := b.Err(); err != nil {
		return err
	}
	if len(req.Messages) == 0 {
		return prompt.Malformed("#/messages: expected minimum item count: 1, found: 0")
	}
	return nil
}

// decodeChatMessage appends m to req; consecutive tool messages join one
// user message of tool results.
func decodeChatMessage(m *prompt.Body, req *rockstream.Request) {
	m.Allow("role", "content", "tool_calls", "tool_call_id")
	m.Require("role")
	role, _ := m.Enum("role", "system", "user", "assistant", "tool")
	content, _ := m.String("content")
	switch role {
	case "system":
		req.System = append(req.System, content)
	case "tool":
		id, _ := m.String("tool_call_id")
		blk := rockstream.Block{Type: rockstream.BlockToolResult, ToolUseID: id,
			Content: []rockstream.Block{{Type: rockstream.BlockText, Text: content}}}
		if n := len(req.Messages); n > 0 && isToolResults(req.Messages[n-1]) {
			req.Messages[n-1].Content = append(req.Messages[n-1].Content, blk)
			return
		}
		req.Messages = append(req.Messages, rockstream.Message{Role: rockstream.RoleUser, Content: []rockstream.Block{blk}})
	case "user", "assistant":
		msg := rockstream.Message{Role: rockstream.Role(role)}
		if content != "" || !m.Has("tool_calls") {
			msg.Content = append(msg.Content, rockstream.Block{Type: rockstream.BlockText, Text: content})
		}
		for i, raw := range m.Array("tool_calls") {
			if c := m.Element("tool_calls", i, raw); c != nil {
				msg.Content = append(msg.Content, decodeToolCall(c, i))
			}
		}
		req.Messages = append(req.Messages, msg)
	}
}

func decodeToolCall(c *prompt.Body, i int) rockstream.Block {
	c.Allow("id", "type", "function")
	c.Require("function")
	id, _ := c.String("id")
	if id == "" {
		id = "call_" + strconv.Itoa(i)
	}
	blk := rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: id}
	if f := c.Object("function"); f != nil {
		f.Allow("name", "arguments")
		f.Require("name")
		blk.Name, _ = f.String("name")
		args, _ := f.String("arguments")
		if args != "" && !json.Valid([]byte(args)) {
			f.FailAt("arguments", "is not valid JSON")
		}
		blk.Input = input(json.RawMessage(args))
	}
	return blk
}

func isToolResults(m rockstream.Message) bool {
	for _, b := range m.Content {
		if b.Type != rockstream.BlockToolResult {
			return false
		}
	}
	return m.Role == rockstream.RoleUser && len(m.Content) > 0
}
