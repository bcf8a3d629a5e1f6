package builtin

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
)

// settleCache takes what the prompt cache read and wrote out of the
// plain input tokens, as Bedrock reports them: inputTokens counts only
// what was neither read from nor written to the cache.
func (p *plan) settleCache(u cacheUse) {
	p.cacheRead, p.cacheWrite = u.read, u.write
	p.inputTokens = max(p.inputTokens-u.read-u.write, 0)
}

// inputUsage is the usage known before the answer: input and cache tokens.
func (p *plan) inputUsage() rockstream.Usage {
	return rockstream.Usage{InputTokens: p.inputTokens,
		CacheReadInputTokens: p.cacheRead, CacheWriteInputTokens: p.cacheWrite}
}

// echo records what the answer repeats of req: the performance profile
// and service tier that served it, and the model-native response fields
// its JSON pointers ask for.
func (p *plan) echo(req *rockstream.Request, family string) {
	p.latency, p.serviceTier = req.Latency, req.ServiceTier
	if len(req.ResponseFieldPaths) == 0 {
		return
	}
	native := p.nativeResponse(family)
	out := map[string]any{}
	for _, ptr := range req.ResponseFieldPaths {
		tokens, err := parsePointer(ptr)
		if err != nil {
			continue // checkModelRules refused it already
		}
		if v, ok := resolve(native, tokens); ok {
			out = place(out, tokens, v)
		}
	}
	if len(out) == 0 {
		return
	}
	if b, err := json.Marshal(out); err == nil {
		p.additional = string(b)
	}
}

// nativeResponse is the model's own response body, as far as the
// builtin model knows it when the answer is planned: Anthropic's
// Messages fields for Claude, the stop fields for other families.
func (p *plan) nativeResponse(family string) map[string]any {
	var seq any // JSON null unless a stop sequence matched
	if p.stopSeq != "" {
		seq = p.stopSeq
	}
	doc := map[string]any{"stop_reason": string(p.stop), "stop_sequence": seq}
	if family == "anthropic" {
		doc["id"], doc["type"], doc["role"], doc["model"] = p.messageID, "message", "assistant", p.model
		doc["usage"] = map[string]any{"input_tokens": p.inputTokens, "output_tokens": p.outputTokens(),
			"cache_read_input_tokens": p.cacheRead, "cache_creation_input_tokens": p.cacheWrite}
	}
	return doc
}

// errPointer is why a response field path is not a JSON pointer.
type errPointer struct{ msg string }

func (e errPointer) Error() string { return e.msg }

// parsePointer splits a JSON pointer (RFC 6901) into its unescaped
// reference tokens: "" is the whole document, every other pointer starts
// with "/", and "~" escapes only "0" ("~") and "1" ("/").
func parsePointer(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, errPointer{"a JSON pointer must be empty or start with \"/\""}
	}
	parts := strings.Split(ptr[1:], "/")
	for i, part := range parts {
		var sb strings.Builder
		for j := 0; j < len(part); j++ {
			if part[j] != '~' {
				sb.WriteByte(part[j])
				continue
			}
			if j+1 == len(part) || (part[j+1] != '0' && part[j+1] != '1') {
				return nil, errPointer{"\"~\" in a JSON pointer must be followed by \"0\" or \"1\""}
			}
			sb.WriteByte("~/"[part[j+1]-'0'])
			j++
		}
		parts[i] = sb.String()
	}
	return parts, nil
}

// resolve follows tokens into doc.
func resolve(doc any, tokens []string) (any, bool) {
	cur := doc
	for _, t := range tokens {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[t]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(v) || (len(t) > 1 && t[0] == '0') {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// place sets v at tokens in out, making the objects on the way, and
// returns out (v itself when tokens is empty and v is an object).
func place(out map[string]any, tokens []string, v any) map[string]any {
	if len(tokens) == 0 {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				out[k] = x
			}
		}
		return out
	}
	cur := out
	for _, t := range tokens[:len(tokens)-1] {
		next, ok := cur[t].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[t] = next
		}
		cur = next
	}
	cur[tokens[len(tokens)-1]] = v
	return out
}
