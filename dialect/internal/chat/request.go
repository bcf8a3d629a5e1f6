package chat

import (
	"encoding/json"
	"slices"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// message is one chat message on the wire. Content is a string, or null
// for an assistant turn that only calls tools.
type message struct {
	Role       string     `json:"role"`
	Content    *string    `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	// ReasoningContent is the reasoning of an answer, for the families
	// that carry it beside the text; never sent in a request.
	ReasoningContent string `json:"reasoning_content,omitempty"`
}

type toolCall struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Function function `json:"function"`
}

type function struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type tool struct {
	Type     string       `json:"type"`
	Function toolFunction `json:"function"`
}

type toolFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// EncodeRequest writes req as the family's chat body. What the body
// cannot carry is refused by name: images, documents, reasoning to send
// back, top_k, extended thinking (these models reason on their own).
func (c Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	carried := []rockstream.Feature{}
	if len(c.Spec.Effort) > 0 {
		carried = append(carried, rockstream.FeatureEffort)
	}
	if err := dialect.CheckInvoke(req, c.Spec.Family, carried...); err != nil {
		return nil, err
	}
	if len(req.Messages) == 0 {
		return nil, rockstream.Validationf("%s: the request has no messages", c.Spec.Family)
	}
	if req.Thinking != nil {
		return nil, prompt.Unsupported(c.Spec.Family, "extended thinking")
	}
	if req.TopK != nil {
		return nil, prompt.Unsupported(c.Spec.Family, "top_k")
	}
	if req.Effort != "" && !slices.Contains(c.Spec.Effort, req.Effort) {
		return nil, prompt.Unsupported(c.Spec.Family, "reasoning effort "+req.Effort)
	}
	body := map[string]any{}
	var msgs []message
	for _, s := range req.System {
		msgs = append(msgs, message{Role: "system", Content: &s})
	}
	for _, m := range req.Messages {
		out, err := c.messages(m)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, out...)
	}
	body["messages"] = msgs
	if req.MaxTokens > 0 {
		body[c.Spec.MaxTokensKey] = req.MaxTokens
	}
	if req.Temperature != nil {
		body["temperature"] = *req.Temperature
	}
	if req.TopP != nil {
		body["top_p"] = *req.TopP
	}
	if len(req.StopSequences) > 0 {
		body["stop"] = req.StopSequences
	}
	if len(req.Tools) > 0 {
		tools := make([]tool, 0, len(req.Tools))
		for _, t := range req.Tools {
			tools = append(tools, tool{Type: "function", Function: toolFunction{Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
		}
		body["tools"] = tools
	}
	if tc := req.ToolChoice; tc != nil {
		body["tool_choice"] = wireToolChoice(tc)
	}
	if req.Effort != "" {
		body["reasoning_effort"] = req.Effort
	}
	return prompt.JSON(body)
}

func wireToolChoice(tc *rockstream.ToolChoice) any {
	switch tc.Type {
	case "any":
		return "required"
	case "tool":
		return map[string]any{"type": "function", "function": map[string]string{"name": tc.Name}}
	}
	return tc.Type
}

// messages turns one neutral message into chat messages: each tool result
// becomes a "tool" message, ahead of any text of the same turn.
func (c Codec) messages(m rockstream.Message) ([]message, error) {
	var text string
	var hasText bool
	var calls []toolCall
	var results []message
	for _, b := range m.Content {
		switch {
		case b.Type == rockstream.BlockText:
			text, hasText = text+b.Text, true
		case b.Type == rockstream.BlockToolUse && m.Role == rockstream.RoleAssistant:
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			calls = append(calls, toolCall{ID: b.ToolUseID, Type: "function", Function: function{Name: b.Name, Arguments: args}})
		case b.Type == rockstream.BlockToolResult && m.Role == rockstream.RoleUser:
			s := rockstream.TextOf(b.Content)
			results = append(results, message{Role: "tool", ToolCallID: b.ToolUseID, Content: &s})
		default:
			return nil, prompt.Unsupported(c.Spec.Family, string(b.Type)+" content in a "+string(m.Role)+" message")
		}
	}
	if hasText || len(calls) > 0 || len(results) == 0 {
		out := message{Role: string(m.Role), ToolCalls: calls}
		if hasText || len(calls) == 0 {
			out.Content = &text
		}
		results = append(results, out)
	}
	return results, nil
}

// requestKeys are the body keys every chat family accepts. "model" and
// "stream" are Bedrock's to fill in; they are accepted and checked only
// for type.
var requestKeys = []string{"messages", "model", "stream", "max_tokens", "max_completion_tokens",
	"temperature", "top_p", "stop", "tools", "tool_choice"}

// DecodeRequest checks a chat body as Bedrock does.
func (c Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	keys := requestKeys
	if len(c.Spec.Effort) > 0 {
		keys = append(slices.Clip(keys), "reasoning_effort")
	}
	b.Allow(keys...)
	b.Require("messages")
	b.String("model")
	b.Bool("stream")
	req := &rockstream.Request{Model: modelID}
	for _, k := range []string{"max_tokens", "max_completion_tokens"} {
		if n := b.Int(k, 1, c.Spec.MaxTokens); n != nil {
			req.MaxTokens = *n // max_completion_tokens, read last, wins
		}
	}
	req.Temperature = b.Float("temperature", 0, 2)
	req.TopP = b.Float("top_p", 0, 1)
	req.StopSequences = stops(b)
	if len(c.Spec.Effort) > 0 {
		req.Effort, _ = b.Enum("reasoning_effort", c.Spec.Effort...)
	}
	decodeTools(b, req)
	for i, raw := range b.Array("messages") {
		if m := b.Element("messages", i, raw); m != nil {
			decodeMessage(m, req)
		}
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	if len(req.Messages) == 0 {
		return nil, prompt.Malformed("#/messages: expected at least one user or assistant message, found: 0")
	}
	return req, nil
}

// stops reads "stop": one string or an array of at most four.
func stops(b *prompt.Body) []string {
	if raw := b.Raw("stop"); len(raw) > 0 && raw[0] == '"' {
		s, _ := b.String("stop")
		return []string{s}
	}
	return b.Strings("stop", 4)
}

func decodeTools(b *prompt.Body, req *rockstream.Request) {
	for i, raw := range b.Array("tools") {
		t := b.Element("tools", i, raw)
		if t == nil {
			continue
		}
		t.Allow("type", "function")
		t.Require("type", "function")
		t.Enum("type", "function")
		if f := t.Object("function"); f != nil {
			f.Allow("name", "description", "parameters", "strict")
			f.Require("name")
			f.Bool("strict")
			n, _ := f.String("name")
			d, _ := f.String("description")
			params := f.Raw("parameters")
			if params != nil {
				f.Object("parameters")
			}
			req.Tools = append(req.Tools, rockstream.Tool{Name: n, Description: d, InputSchema: params})
		}
	}
	raw := b.Raw("tool_choice")
	switch {
	case raw == nil:
	case raw[0] == '{':
		tc := b.Object("tool_choice")
		tc.Allow("type", "function")
		tc.Require("type", "function")
		tc.Enum("type", "function")
		if f := tc.Object("function"); f != nil {
			f.Allow("name")
			f.Require("name")
			n, _ := f.String("name")
			req.ToolChoice = &rockstream.ToolChoice{Type: "tool", Name: n}
		}
	default:
		if s, ok := b.Enum("tool_choice", "auto", "none", "required"); ok {
			if s == "required" {
				s = "any"
			}
			req.ToolChoice = &rockstream.ToolChoice{Type: s}
		}
	}
}

// decodeMessage appends m to req: system and developer messages to the
// system prompt; consecutive tool messages join one user message of tool
// results.
func decodeMessage(m *prompt.Body, req *rockstream.Request) {
	m.Allow("role", "content", "tool_calls", "tool_call_id", "name")
	m.Require("role")
	m.String("name")
	role, _ := m.Enum("role", "system", "developer", "user", "assistant", "tool")
	content := textContent(m)
	switch role {
	case "system", "developer":
		req.System = append(req.System, content)
	case "tool":
		m.Require("tool_call_id")
		id, ok := m.String("tool_call_id")
		if ok && id == "" {
			m.FailAt("tool_call_id", "expected minLength: 1, actual: 0")
		}
		blk := rockstream.Block{Type: rockstream.BlockToolResult, ToolUseID: id,
			Content: []rockstream.Block{{Type: rockstream.BlockText, Text: content}}}
		if n := len(req.Messages); n > 0 && isToolResults(req.Messages[n-1]) {
			req.Messages[n-1].Content = append(req.Messages[n-1].Content, blk)
			return
		}
		req.Messages = append(req.Messages, rockstream.Message{Role: rockstream.RoleUser, Content: []rockstream.Block{blk}})
	case "user", "assistant":
		msg := rockstream.Message{Role: rockstream.Role(role)}
		if m.Has("content") || !m.Has("tool_calls") {
			msg.Content = append(msg.Content, rockstream.Block{Type: rockstream.BlockText, Text: content})
		}
		for i, raw := range m.Array("tool_calls") {
			if role != "assistant" {
				m.FailAt("tool_calls", "is only allowed in assistant messages")
				break
			}
			if tc := m.Element("tool_calls", i, raw); tc != nil {
				msg.Content = append(msg.Content, decodeToolCall(tc))
			}
		}
		req.Messages = append(req.Messages, msg)
	}
}

// textContent reads "content": a string, or an array of text parts
// joined. Other parts (images, audio) are not text-to-text input.
func textContent(m *prompt.Body) string {
	raw := m.Raw("content")
	if len(raw) == 0 || raw[0] != '[' {
		s, _ := m.String("content")
		return s
	}
	var text string
	for i, part := range m.Array("content") {
		p := m.Element("content", i, part)
		if p == nil {
			continue
		}
		p.Allow("type", "text")
		p.Require("type", "text")
		p.Enum("type", "text")
		s, _ := p.String("text")
		text += s
	}
	return text
}

func decodeToolCall(c *prompt.Body) rockstream.Block {
	c.Allow("id", "type", "function")
	c.Require("id", "function")
	c.Enum("type", "function")
	id, _ := c.String("id")
	blk := rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: id}
	if f := c.Object("function"); f != nil {
		f.Allow("name", "arguments")
		f.Require("name")
		blk.Name, _ = f.String("name")
		args, _ := f.String("arguments")
		if args == "" {
			args = "{}"
		}
		if !json.Valid([]byte(args)) {
			f.FailAt("arguments", "is not valid JSON")
		}
		blk.Input = json.RawMessage(args)
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
