package anthropic

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
)

// Top-level keys each API accepts; anything else is rejected.
var (
	bedrockKeys = []string{"anthropic_version", "anthropic_beta", "max_tokens", "system", "messages",
		"temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking", "metadata"}
	firstPartyKeys = []string{"model", "stream", "max_tokens", "system", "messages", "temperature",
		"top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking", "metadata", "service_tier"}
	// countKeys are those of the first-party count_tokens endpoint, which
	// takes no max_tokens and no sampling parameters.
	countKeys = []string{"model", "system", "messages", "tools", "tool_choice", "thinking"}
)

// keySet is the top-level keys a body must and may have.
type keySet struct{ required, allowed []string }

var (
	bedrockBody    = keySet{[]string{"anthropic_version", "max_tokens", "messages"}, bedrockKeys}
	firstPartyBody = keySet{[]string{"model", "max_tokens", "messages"}, firstPartyKeys}
	countBody      = keySet{[]string{"model", "messages"}, countKeys}
)

// decodeRequest parses and validates a Messages body. Schema violations
// are reported first, all together; the conversation rules after them.
func decodeRequest(body []byte, st style) (*rockstream.Request, bool, error) {
	return (&checker{style: st}).request(body)
}

func (c *checker) request(body []byte) (*rockstream.Request, bool, error) {
	keys := bedrockBody
	if c.style == firstPartyStyle {
		keys = firstPartyBody
	}
	return c.requestWith(body, keys)
}

// MaxTokensLimit is the largest max_tokens accepted: more than any model
// generates in one answer, so a larger value is a mistake or an attempt
// to hold the server.
const MaxTokensLimit = 1_000_000

func (c *checker) requestWith(body []byte, keys keySet) (*rockstream.Request, bool, error) {
	st := c.style
	if !json.Valid(body) {
		if st == firstPartyStyle {
			return nil, false, rockstream.Validationf("There was an error parsing the body of your request.")
		}
		return nil, false, malformed("#: expected type: JSONObject, found: invalid JSON")
	}
	top, ok := c.object(nil, body, keys.required, keys.allowed)
	if !ok {
		return nil, false, c.err()
	}
	req := &rockstream.Request{}
	c.systemCache = nil
	var stream bool
	if raw, ok := top["anthropic_version"]; ok {
		if v, ok := c.str([]string{"anthropic_version"}, raw); ok && v == "" {
			c.add(violation{path: []string{"anthropic_version"}, kind: vOther, want: "must not be empty"})
		}
	}
	if raw, ok := top["model"]; ok {
		var isStr bool
		if req.Model, isStr = c.str([]string{"model"}, raw); isStr && strings.TrimSpace(req.Model) == "" {
			c.add(violation{path: []string{"model"}, kind: vOther, want: "String should have at least 1 character"})
		}
	}
	if raw, ok := top["stream"]; ok {
		stream = c.boolean([]string{"stream"}, raw)
	}
	if raw, ok := top["max_tokens"]; ok {
		var inRange bool
		if req.MaxTokens, inRange = c.integer([]string{"max_tokens"}, raw, 1); inRange && req.MaxTokens > MaxTokensLimit {
			c.add(violation{path: []string{"max_tokens"}, kind: vMax, got: strconv.Itoa(req.MaxTokens), want: strconv.Itoa(MaxTokensLimit)})
		}
	}
	if raw, ok := top["system"]; ok {
		req.System = c.system(raw)
	}
	if raw, ok := top["messages"]; ok {
		req.Messages = c.messages(raw)
	}
	if raw, ok := top["temperature"]; ok {
		if f, ok := c.number([]string{"temperature"}, raw, 0, 1); ok {
			req.Temperature = &f
		}
	}
	if raw, ok := top["top_p"]; ok {
		if f, ok := c.number([]string{"top_p"}, raw, 0, 1); ok {
			req.TopP = &f
		}
	}
	if raw, ok := top["top_k"]; ok {
		if n, ok := c.integer([]string{"top_k"}, raw, 0); ok {
			req.TopK = &n
		}
	}
	if raw, ok := top["stop_sequences"]; ok {
		items, _ := c.array([]string{"stop_sequences"}, raw)
		for i, it := range items {
			if s, ok := c.str(at([]string{"stop_sequences"}, i), it); ok {
				req.StopSequences = append(req.StopSequences, s)
			}
		}
	}
	if raw, ok := top["tools"]; ok {
		req.Tools = c.tools(raw)
	}
	if raw, ok := top["tool_choice"]; ok {
		req.ToolChoice = c.toolChoice(raw)
	}
	if raw, ok := top["thinking"]; ok {
		req.Thinking = c.thinking(raw)
	}
	c.options(req, top)
	req.SystemCache = c.systemCache
	if err := c.err(); err != nil {
		return nil, false, err
	}
	if err := checkConversation(req); err != nil {
		return nil, false, err
	}
	return req, stream, nil
}

func (c *checker) system(raw json.RawMessage) []string {
	path := []string{"system"}
	if jsonKind(raw) == "String" {
		s, _ := c.str(path, raw)
		if s == "" {
			return nil
		}
		return []string{s}
	}
	if !c.typeIs(path, raw, "String", "JSONArray") {
		return nil
	}
	items, _ := c.array(path, raw)
	var out []string
	for i, it := range items {
		p := at(path, i)
		m, ok := c.object(p, it, []string{"type", "text"}, []string{"type", "text", "cache_control", "citations"})
		if !ok {
			continue
		}
		if t, ok := m["type"]; ok {
			c.enum(at(p, "type"), t, "text")
		}
		if t, ok := m["text"]; ok {
			if s, ok := c.str(at(p, "text"), t); ok {
				out = append(out, s)
			}
		}
		if cc, ok := m["cache_control"]; ok {
			if cp := c.cacheControl(at(p, "cache_control"), cc); cp != nil {
				c.systemCache = append(c.systemCache, rockstream.SystemCachePoint{After: len(out), CachePoint: *cp})
			}
		}
	}
	return out
}

func (c *checker) messages(raw json.RawMessage) []rockstream.Message {
	path := []string{"messages"}
	items, _ := c.array(path, raw)
	out := make([]rockstream.Message, 0, len(items))
	for i, it := range items {
		p := at(path, i)
		m, ok := c.object(p, it, []string{"role", "content"}, []string{"role", "content"})
		if !ok {
			continue
		}
		var msg rockstream.Message
		if r, ok := m["role"]; ok {
			role, _ := c.enum(at(p, "role"), r, "user", "assistant")
			msg.Role = rockstream.Role(role)
		}
		if ct, ok := m["content"]; ok {
			msg.Content = c.content(at(p, "content"), ct, true)
		}
		out = append(out, msg)
	}
	return out
}

// content decodes a string or an array of content blocks; nested (inside
// tool_result) only text and image blocks are allowed.
func (c *checker) content(path []string, raw json.RawMessage, top bool) []rockstream.Block {
	if jsonKind(raw) == "String" {
		s, _ := c.str(path, raw)
		if s == "" {
			return nil
		}
		return []rockstream.Block{{Type: rockstream.BlockText, Text: s}}
	}
	if !c.typeIs(path, raw, "String", "JSONArray") {
		return nil
	}
	items, _ := c.array(path, raw)
	out := make([]rockstream.Block, 0, len(items))
	for i, it := range items {
		if b, ok := c.block(at(path, i), it, top); ok {
			out = append(out, b)
		}
	}
	return out
}

var blockKeys = map[string][]string{
	"text":              {"type", "text", "cache_control", "citations"},
	"image":             {"type", "source", "cache_control"},
	"tool_use":          {"type", "id", "name", "input", "cache_control"},
	"tool_result":       {"type", "tool_use_id", "content", "is_error", "cache_control"},
	"thinking":          {"type", "thinking", "signature"},
	"redacted_thinking": {"type", "data"},
	"document":          {"type", "source", "title", "context", "citations", "cache_control"},
}

var blockRequired = map[string][]string{
	"text":              {"text"},
	"image":             {"source"},
	"tool_use":          {"id", "name", "input"},
	"tool_result":       {"tool_use_id"},
	"thinking":          {"thinking", "signature"},
	"redacted_thinking": {"data"},
	"document":          {"source"},
}

func (c *checker) block(p []string, raw json.RawMessage, top bool) (rockstream.Block, bool) {
	m, ok := c.object(p, raw, []string{"type"}, nil)
	if !ok || m["type"] == nil {
		return rockstream.Block{}, false
	}
	types := []string{"text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking", "document"}
	if !top {
		types = types[:2]
	}
	typ, ok := c.enum(at(p, "type"), m["type"], types...)
	if !ok {
		return rockstream.Block{}, false
	}
	n := len(c.vs)
	c.keys(p, m, blockRequired[typ], blockKeys[typ])
	b := rockstream.Block{Type: rockstream.BlockType(typ)}
	get := func(k string) string {
		if v, ok := m[k]; ok {
			s, _ := c.str(at(p, k), v)
			return s
		}
		return ""
	}
	switch typ {
	case "text":
		b.Text = get("text")
	case "image":
		b.Image = c.image(at(p, "source"), m["source"])
	case "tool_use":
		b.ToolUseID, b.Name = get("id"), get("name")
		if in, ok := m["input"]; ok && c.typeIs(at(p, "input"), in, "JSONObject") {
			b.Input = append(json.RawMessage(nil), in...)
		}
	case "tool_result":
		b.ToolUseID = get("tool_use_id")
		if v, ok := m["is_error"]; ok {
			b.IsError = c.boolean(at(p, "is_error"), v)
		}
		if v, ok := m["content"]; ok {
			b.Content = c.content(at(p, "content"), v, false)
		}
	case "thinking":
		b.Text, b.Signature = get("thinking"), get("signature")
	case "redacted_thinking":
		b.Data = get("data")
	case "document":
		b.Document = c.document(p, m)
	}
	if cc, ok := m["cache_control"]; ok {
		b.Cache = c.cacheControl(at(p, "cache_control"), cc)
	}
	return b, len(c.vs) == n
}

func (c *checker) image(p []string, raw json.RawMessage) *rockstream.Image {
	if raw == nil {
		return nil
	}
	m, ok := c.object(p, raw, []string{"type", "media_type", "data"}, []string{"type", "media_type", "data"})
	if !ok {
		return nil
	}
	img := &rockstream.Image{}
	if v, ok := m["type"]; ok {
		c.enum(at(p, "type"), v, "base64")
	}
	if v, ok := m["media_type"]; ok {
		img.MediaType, _ = c.enum(at(p, "media_type"), v, "image/jpeg", "image/png", "image/gif", "image/webp")
	}
	if v, ok := m["data"]; ok {
		if s, ok := c.str(at(p, "data"), v); ok {
			data, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				c.add(violation{path: at(p, "data"), kind: vOther, want: "invalid base64 data"})
			}
			img.Data = data
		}
	}
	return img
}

func (c *checker) tools(raw json.RawMessage) []rockstream.Tool {
	path := []string{"tools"}
	items, _ := c.array(path, raw)
	var out []rockstream.Tool
	for i, it := range items {
		p := at(path, i)
		m, ok := c.object(p, it, []string{"name"}, nil)
		if !ok {
			continue
		}
		var t rockstream.Tool
		if v, ok := m["name"]; ok {
			t.Name, _ = c.str(at(p, "name"), v)
		}
		if v, ok := m["description"]; ok {
			t.Description, _ = c.str(at(p, "description"), v)
		}
		if v, ok := m["input_schema"]; ok && c.typeIs(at(p, "input_schema"), v, "JSONObject") {
			t.InputSchema = append(json.RawMessage(nil), v...)
		}
		// Server tools ("type":"computer_20241022", …) carry their own keys.
		if _, typed := m["type"]; !typed {
			c.object(p, it, []string{"input_schema"}, []string{"name", "description", "input_schema", "cache_control"})
		}
		if cc, ok := m["cache_control"]; ok {
			t.Cache = c.cacheControl(at(p, "cache_control"), cc)
		}
		out = append(out, t)
	}
	return out
}

func (c *checker) toolChoice(raw json.RawMessage) *rockstream.ToolChoice {
	p := []string{"tool_choice"}
	m, ok := c.object(p, raw, []string{"type"}, []string{"type", "name", "disable_parallel_tool_use"})
	if !ok || m["type"] == nil {
		return nil
	}
	typ, ok := c.enum(at(p, "type"), m["type"], "auto", "any", "tool", "none")
	if !ok {
		return nil
	}
	tc := &rockstream.ToolChoice{Type: typ}
	if typ == "tool" {
		if _, ok := m["name"]; !ok {
			c.add(violation{path: p, kind: vRequired, key: "name"})
		}
	}
	if v, ok := m["name"]; ok {
		tc.Name, _ = c.str(at(p, "name"), v)
	}
	return tc
}

func (c *checker) thinking(raw json.RawMessage) *rockstream.Thinking {
	p := []string{"thinking"}
	m, ok := c.object(p, raw, []string{"type"}, []string{"type", "budget_tokens"})
	if !ok || m["type"] == nil {
		return nil
	}
	typ, ok := c.enum(at(p, "type"), m["type"], "enabled", "disabled")
	if !ok || typ == "disabled" {
		return nil
	}
	v, ok := m["budget_tokens"]
	if !ok {
		c.add(violation{path: p, kind: vRequired, key: "budget_tokens"})
		return nil
	}
	n, _ := c.integer(at(p, "budget_tokens"), v, 1024)
	return &rockstream.Thinking{BudgetTokens: n}
}

// checkConversation applies the Messages API's rules on the conversation,
// in its own words (Bedrock passes them through unchanged).
func checkConversation(req *rockstream.Request) error {
	if len(req.Messages) == 0 {
		return rockstream.Validationf("messages: at least one message is required")
	}
	if req.Messages[0].Role != rockstream.RoleUser {
		return rockstream.Validationf(`messages: first message must use the "user" role`)
	}
	for i, m := range req.Messages {
		if i > 0 && m.Role == req.Messages[i-1].Role {
			return rockstream.Validationf(`messages: roles must alternate between "user" and "assistant", but found multiple %q roles in a row`, m.Role)
		}
		last := i == len(req.Messages)-1
		if len(m.Content) == 0 && !(last && m.Role == rockstream.RoleAssistant) {
			return rockstream.Validationf("messages.%d: all messages must have non-empty content except for the optional final assistant message", i)
		}
	}
	if th := req.Thinking; th != nil && req.MaxTokens > 0 && th.BudgetTokens >= req.MaxTokens {
		return rockstream.Validationf("`max_tokens` must be greater than `thinking.budget_tokens`.")
	}
	return nil
}
