package nova

import (
	"errors"

	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

var (
	errNoMessage = errors.New("response has no output message")
	errNotChunk  = errors.New("chunk has no known event member")
)

// blockKinds are the content block members rockstream carries.
var blockKinds = []string{"text", "image", "toolUse", "toolResult", "reasoningContent"}

// checkRequest records the schema violations of a messages-v1 body.
func checkRequest(b *prompt.Body) {
	b.Allow("schemaVersion", "system", "messages", "inferenceConfig", "toolConfig")
	b.Require("messages")
	b.Enum("schemaVersion", "messages-v1")
	for i, raw := range b.Array("system") {
		if s := b.Element("system", i, raw); s != nil {
			s.Allow("text")
			s.Require("text")
			s.String("text")
		}
	}
	msgs := b.Array("messages")
	if msgs != nil && len(msgs) == 0 {
		b.FailAt("messages", "expected minimum item count: 1, found: 0")
	}
	for i, raw := range msgs {
		if m := b.Element("messages", i, raw); m != nil {
			m.Allow("role", "content")
			m.Require("role", "content")
			m.Enum("role", "user", "assistant")
			for j, raw := range m.Array("content") {
				if c := m.Element("content", j, raw); c != nil {
					checkBlock(c)
				}
			}
		}
	}
	if c := b.Object("inferenceConfig"); c != nil {
		c.Allow("maxTokens", "max_new_tokens", "temperature", "topP", "topK", "stopSequences")
		c.Int("maxTokens", 1, 1<<20)
		c.Int("max_new_tokens", 1, 1<<20)
		c.Float("temperature", 0, 1)
		c.Float("topP", 0, 1)
		c.Int("topK", 0, 128)
		c.Strings("stopSequences", 4)
	}
	if t := b.Object("toolConfig"); t != nil {
		checkTools(t)
	}
}

func checkBlock(c *prompt.Body) {
	c.Allow(blockKinds...)
	n := 0
	for _, k := range blockKinds {
		if c.Has(k) {
			n++
		}
	}
	if n != 1 {
		c.Failf("expected exactly one of [text, image, toolUse, toolResult, reasoningContent], found: %d", n)
	}
	c.String("text")
	if img := c.Object("image"); img != nil {
		img.Allow("format", "source")
		img.Require("format", "source")
		img.Enum("format", "png", "jpeg", "gif", "webp")
		if src := img.Object("source"); src != nil {
			src.Allow("bytes")
			src.Require("bytes")
			src.String("bytes")
		}
	}
	if tu := c.Object("toolUse"); tu != nil {
		tu.Allow("toolUseId", "name", "input")
		tu.Require("toolUseId", "name", "input")
		tu.String("toolUseId")
		tu.String("name")
	}
	if tr := c.Object("toolResult"); tr != nil {
		tr.Allow("toolUseId", "content", "status")
		tr.Require("toolUseId", "content")
		tr.String("toolUseId")
		tr.Enum("status", "success", "error")
		for i, raw := range tr.Array("content") {
			if rc := tr.Element("content", i, raw); rc != nil {
				rc.Allow("text", "json")
				rc.String("text")
			}
		}
	}
	if rc := c.Object("reasoningContent"); rc != nil {
		rc.Allow("reasoningText")
		rc.Require("reasoningText")
		if rt := rc.Object("reasoningText"); rt != nil {
			rt.Allow("text", "signature")
			rt.Require("text")
			rt.String("text")
			rt.String("signature")
		}
	}
}

func checkTools(t *prompt.Body) {
	t.Allow("tools", "toolChoice")
	t.Require("tools")
	for i, raw := range t.Array("tools") {
		if tl := t.Element("tools", i, raw); tl != nil {
			tl.Allow("toolSpec")
			tl.Require("toolSpec")
			if s := tl.Object("toolSpec"); s != nil {
				s.Allow("name", "description", "inputSchema")
				s.Require("name", "inputSchema")
				s.String("name")
				s.String("description")
				if in := s.Object("inputSchema"); in != nil {
					in.Allow("json")
					in.Require("json")
				}
			}
		}
	}
	if c := t.Object("toolChoice"); c != nil {
		c.Allow("auto", "any", "tool")
		if tool := c.Object("tool"); tool != nil {
			tool.Allow("name")
			tool.Require("name")
			tool.String("name")
		}
	}
}
