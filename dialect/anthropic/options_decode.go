package anthropic

import (
	"encoding/base64"
	"encoding/json"

	"github.com/rockstream/rockstream"
)

// options reads the top-level keys that become rockstream.Options:
// anthropic_beta, and the native keys with no neutral form (metadata,
// service_tier), kept as they came in ExtraFields.
func (c *checker) options(req *rockstream.Request, top map[string]json.RawMessage) {
	if raw, ok := top["anthropic_beta"]; ok {
		items, _ := c.array([]string{"anthropic_beta"}, raw)
		for i, it := range items {
			if s, ok := c.str(at([]string{"anthropic_beta"}, i), it); ok {
				req.AnthropicBeta = append(req.AnthropicBeta, s)
			}
		}
	}
	if raw, ok := top["metadata"]; ok {
		p := []string{"metadata"}
		if m, ok := c.object(p, raw, nil, []string{"user_id"}); ok {
			if v, ok := m["user_id"]; ok && jsonKind(v) != "Null" {
				c.str(at(p, "user_id"), v)
			}
		}
		c.extra(req, "metadata", raw)
	}
	if raw, ok := top["service_tier"]; ok {
		c.enum([]string{"service_tier"}, raw, "auto", "standard_only")
		c.extra(req, "service_tier", raw)
	}
}

func (c *checker) extra(req *rockstream.Request, key string, raw json.RawMessage) {
	if req.ExtraFields == nil {
		req.ExtraFields = map[string]json.RawMessage{}
	}
	req.ExtraFields[key] = append(json.RawMessage(nil), trimSpace(raw)...)
}

// cacheControl reads a cache_control object: type "ephemeral" and an
// optional ttl of "5m" or "1h".
func (c *checker) cacheControl(p []string, raw json.RawMessage) *rockstream.CachePoint {
	m, ok := c.object(p, raw, []string{"type"}, []string{"type", "ttl"})
	if !ok {
		return nil
	}
	cp := &rockstream.CachePoint{}
	if t, ok := m["type"]; ok {
		c.enum(at(p, "type"), t, "ephemeral")
	}
	if t, ok := m["ttl"]; ok {
		cp.TTL, _ = c.enum(at(p, "ttl"), t, "5m", "1h")
	}
	return cp
}

// document reads a document block's source (base64 PDF or plain text),
// title, context and citations.
func (c *checker) document(p []string, m map[string]json.RawMessage) *rockstream.Document {
	d := &rockstream.Document{}
	if v, ok := m["title"]; ok && jsonKind(v) != "Null" {
		d.Name, _ = c.str(at(p, "title"), v)
	}
	if v, ok := m["context"]; ok && jsonKind(v) != "Null" {
		d.Context, _ = c.str(at(p, "context"), v)
	}
	if v, ok := m["citations"]; ok {
		cp := at(p, "citations")
		if cm, ok := c.object(cp, v, []string{"enabled"}, []string{"enabled"}); ok {
			d.Citations = c.boolean(at(cp, "enabled"), cm["enabled"])
		}
	}
	sp := at(p, "source")
	src, ok := c.object(sp, m["source"], []string{"type", "media_type", "data"}, []string{"type", "media_type", "data"})
	if !ok {
		return d
	}
	typ, _ := c.enum(at(sp, "type"), src["type"], "base64", "text")
	data, _ := c.str(at(sp, "data"), src["data"])
	switch typ {
	case "base64":
		c.enum(at(sp, "media_type"), src["media_type"], "application/pdf")
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			c.add(violation{path: at(sp, "data"), kind: vOther, want: "invalid base64 data"})
		}
		d.Format, d.Bytes = "pdf", b
	case "text":
		c.enum(at(sp, "media_type"), src["media_type"], "text/plain")
		d.Format, d.Text = "txt", data
	}
	return d
}
