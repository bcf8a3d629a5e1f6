package converse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
)

// validator collects constraint violations in Bedrock's (Coral's) words.
type validator struct {
	errs []string
	// systemCache collects the system prompts' cache points.
	systemCache []rockstream.SystemCachePoint
}

func (v *validator) addf(value any, path, constraint string) {
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", quote(value), path, constraint))
}

func quote(value any) string {
	if value == nil {
		return "null"
	}
	return fmt.Sprintf("'%v'", value)
}

// err is the ValidationException for the violations found, or nil.
func (v *validator) err() error {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return rockstream.Validationf("1 validation error detected: %s", v.errs[0])
	}
	return rockstream.Validationf("%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))
}

// union checks that exactly one member of a union is set.
func (v *validator) union(path string, set ...bool) bool {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	if n != 1 {
		v.addf(nil, path, fmt.Sprintf("Member must have exactly one member set, found %d", n))
		return false
	}
	return true
}

// unsupported rejects union members rockstream cannot carry.
func (v *validator) unsupported(path, member string, set bool) bool {
	if set {
		v.addf(nil, path+"."+member, "Member is not supported by this model")
	}
	return set
}

func (v *validator) system(sys []wireSystem) []string {
	var out []string
	for i, s := range sys {
		p := fmt.Sprintf("system.%d.member", i)
		if !v.union(p, s.Text != nil, present(s.GuardContent), s.CachePoint != nil) {
			continue
		}
		if v.unsupported(p, "guardContent", present(s.GuardContent)) {
			continue
		}
		if s.Text != nil {
			out = append(out, *s.Text)
		}
		if s.CachePoint != nil {
			v.systemCache = append(v.systemCache, rockstream.SystemCachePoint{After: len(out), CachePoint: *v.cachePoint(p+".cachePoint", s.CachePoint)})
		}
	}
	return out
}

func (v *validator) messages(msgs []wireMessage) []rockstream.Message {
	if msgs == nil {
		v.addf(nil, "messages", "Member must not be null")
	}
	out := make([]rockstream.Message, 0, len(msgs))
	for i, m := range msgs {
		p := fmt.Sprintf("messages.%d.member", i)
		if m.Role != "user" && m.Role != "assistant" {
			v.addf(m.Role, p+".role", "Member must satisfy enum value set: [user, assistant]")
		}
		if len(m.Content) == 0 {
			v.errs = append(v.errs, fmt.Sprintf("The content field in the Message object at messages.%d is empty. Add a ContentBlock object to the content field and try again.", i))
		}
		msg := rockstream.Message{Role: rockstream.Role(m.Role)}
		for j, b := range m.Content {
			bp := fmt.Sprintf("%s.content.%d.member", p, j)
			if b.CachePoint != nil && v.onlyCachePoint(bp, b) {
				// A cache point marks the prefix ending with the block before it.
				cp := v.cachePoint(bp+".cachePoint", b.CachePoint)
				if n := len(msg.Content); n > 0 {
					msg.Content[n-1].Cache = cp
				} else {
					v.addf(nil, bp+".cachePoint", "A cache point must follow a content block")
				}
				continue
			}
			if blk, ok := v.block(bp, b); ok {
				msg.Content = append(msg.Content, blk)
			}
		}
		out = append(out, msg)
	}
	return out
}

func (v *validator) block(p string, b wireBlock) (rockstream.Block, bool) {
	if !v.union(p, blockMembers(b)...) {
		return rockstream.Block{}, false
	}
	for name, raw := range map[string]json.RawMessage{"video": b.Video, "audio": b.Audio,
		"citationsContent": b.CitationsContent, "searchResult": b.SearchResult,
		"toolAddition": b.ToolAddition, "toolRemoval": b.ToolRemoval} {
		if v.unsupported(p, name, present(raw)) {
			return rockstream.Block{}, false
		}
	}
	switch {
	case b.Text != nil:
		return rockstream.Block{Type: rockstream.BlockText, Text: *b.Text}, true
	case b.Image != nil:
		img, ok := v.image(p+".image", b.Image)
		return rockstream.Block{Type: rockstream.BlockImage, Image: img}, ok
	case b.ToolUse != nil:
		tu := b.ToolUse
		ok := v.required(p+".toolUse.toolUseId", tu.ToolUseID) && v.required(p+".toolUse.name", tu.Name)
		if !present(tu.Input) {
			v.addf(nil, p+".toolUse.input", "Member must not be null")
			ok = false
		}
		return rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: tu.ToolUseID, Name: tu.Name,
			Input: append(json.RawMessage(nil), tu.Input...)}, ok
	case b.ToolResult != nil:
		return v.toolResult(p+".toolResult", b.ToolResult)
	case b.Document != nil:
		return v.document(p+".document", b.Document)
	case b.GuardContent != nil:
		return v.guardContent(p+".guardContent", b.GuardContent)
	case b.ReasoningContent != nil:
		rc := b.ReasoningContent
		if !v.union(p+".reasoningContent", rc.ReasoningText != nil, rc.RedactedContent != nil) {
			return rockstream.Block{}, false
		}
		if rc.ReasoningText != nil {
			return rockstream.Block{Type: rockstream.BlockThinking, Text: rc.ReasoningText.Text, Signature: rc.ReasoningText.Signature}, true
		}
		return rockstream.Block{Type: rockstream.BlockRedactedThinking, Data: string(rc.RedactedContent)}, true
	}
	return rockstream.Block{}, false
}

// blockMembers reports which members of a content block union are set.
func blockMembers(b wireBlock) []bool {
	return []bool{b.Text != nil, b.Image != nil, b.ToolUse != nil, b.ToolResult != nil, b.ReasoningContent != nil,
		b.CachePoint != nil, b.Document != nil, present(b.Video), present(b.Audio), b.GuardContent != nil,
		present(b.CitationsContent), present(b.SearchResult), present(b.ToolAddition), present(b.ToolRemoval)}
}

// onlyCachePoint checks that a block holding a cache point holds nothing
// else.
func (v *validator) onlyCachePoint(p string, b wireBlock) bool {
	return v.union(p, blockMembers(b)...)
}

func (v *validator) required(path, s string) bool {
	if s == "" {
		v.addf(nil, path, "Member must not be null")
		return false
	}
	return true
}

var imageFormats = []string{"png", "jpeg", "gif", "webp"}

func (v *validator) image(p string, img *wireImage) (*rockstream.Image, bool) {
	ok := true
	if !slices.Contains(imageFormats, img.Format) {
		v.addf(img.Format, p+".format", "Member must satisfy enum value set: [png, jpeg, gif, webp]")
		ok = false
	}
	if !v.union(p+".source", img.Source.Bytes != nil, present(img.Source.S3Location)) {
		return nil, false
	}
	if v.unsupported(p+".source", "s3Location", present(img.Source.S3Location)) {
		return nil, false
	}
	return &rockstream.Image{MediaType: "image/" + img.Format, Data: img.Source.Bytes}, ok
}

func (v *validator) toolResult(p string, tr *wireToolResult) (rockstream.Block, bool) {
	ok := v.required(p+".toolUseId", tr.ToolUseID)
	if tr.Status != "" && tr.Status != "success" && tr.Status != "error" {
		v.addf(tr.Status, p+".status", "Member must satisfy enum value set: [success, error]")
		ok = false
	}
	b := rockstream.Block{Type: rockstream.BlockToolResult, ToolUseID: tr.ToolUseID, IsError: tr.Status == "error"}
	for i, c := range tr.Content {
		cp := fmt.Sprintf("%s.content.%d.member", p, i)
		if !v.union(cp, c.Text != nil, present(c.JSON), c.Image != nil, present(c.Document), present(c.Video), present(c.SearchResult)) {
			ok = false
			continue
		}
		switch {
		case c.Text != nil:
			b.Content = append(b.Content, rockstream.Block{Type: rockstream.BlockText, Text: *c.Text})
		case present(c.JSON):
			// The neutral model has no JSON result; the model reads it as text.
			b.Content = append(b.Content, rockstream.Block{Type: rockstream.BlockText, Text: string(c.JSON)})
		case c.Image != nil:
			img, iok := v.image(cp+".image", c.Image)
			ok = ok && iok
			b.Content = append(b.Content, rockstream.Block{Type: rockstream.BlockImage, Image: img})
		default:
			v.addf(nil, cp, "Member is not supported by this model")
			ok = false
		}
	}
	return b, ok
}

// MaxTokensLimit is the largest inferenceConfig.maxTokens accepted: more
// than any model generates in one answer, so a larger value is a mistake
// or an attempt to hold the server.
const MaxTokensLimit = 1_000_000

// inferenceMembers are inferenceConfig's members.
var inferenceMembers = []string{"maxTokens", "temperature", "topP", "stopSequences"}

// nullInference reports inferenceConfig members sent as JSON null, which
// decoding would read as absent: a caller who wrote "maxTokens": null
// meant something, and is told rather than given the model's default.
func (v *validator) nullInference(body []byte) {
	if !bytes.Contains(body, []byte("null")) {
		return
	}
	var probe struct {
		InferenceConfig map[string]json.RawMessage `json:"inferenceConfig"`
	}
	if json.Unmarshal(body, &probe) != nil {
		return
	}
	for _, name := range inferenceMembers {
		if raw, ok := probe.InferenceConfig[name]; ok && string(bytes.TrimSpace(raw)) == "null" {
			v.addf(nil, "inferenceConfig."+name, "Member must not be null")
		}
	}
}

func (v *validator) inference(req *rockstream.Request, ic *wireInference) {
	if ic == nil {
		return
	}
	if ic.MaxTokens != nil {
		if *ic.MaxTokens < 1 {
			v.addf(*ic.MaxTokens, "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1")
		}
		if *ic.MaxTokens > MaxTokensLimit {
			v.addf(*ic.MaxTokens, "inferenceConfig.maxTokens", fmt.Sprintf("Member must have value less than or equal to %d", MaxTokensLimit))
		}
		req.MaxTokens = *ic.MaxTokens
	}
	unit := func(name string, f *float64) *float64 {
		switch {
		case f == nil:
		case *f < 0:
			v.addf(*f, "inferenceConfig."+name, "Member must have value greater than or equal to 0")
		case *f > 1:
			v.addf(*f, "inferenceConfig."+name, "Member must have value less than or equal to 1")
		}
		return f
	}
	req.Temperature = unit("temperature", ic.Temperature)
	req.TopP = unit("topP", ic.TopP)
	if len(ic.StopSequences) > 2500 {
		v.addf(nil, "inferenceConfig.stopSequences", "Member must have length less than or equal to 2500")
	}
	req.StopSequences = ic.StopSequences
}

func (v *validator) tools(req *rockstream.Request, tc *wireToolConfig) {
	if tc == nil {
		return
	}
	if len(tc.Tools) == 0 {
		v.addf(nil, "toolConfig.tools", "Member must have length greater than or equal to 1")
	}
	for i, t := range tc.Tools {
		p := fmt.Sprintf("toolConfig.tools.%d.member", i)
		if !v.union(p, t.ToolSpec != nil, present(t.SystemTool), t.CachePoint != nil) ||
			v.unsupported(p, "systemTool", present(t.SystemTool)) {
			continue
		}
		if t.CachePoint != nil {
			cp := v.cachePoint(p+".cachePoint", t.CachePoint)
			if n := len(req.Tools); n > 0 {
				req.Tools[n-1].Cache = cp
			} else {
				v.addf(nil, p+".cachePoint", "A cache point must follow a tool")
			}
			continue
		}
		s := t.ToolSpec
		v.required(p+".toolSpec.name", s.Name)
		if !present(s.InputSchema.JSON) {
			v.addf(nil, p+".toolSpec.inputSchema.json", "Member must not be null")
		}
		req.Tools = append(req.Tools, rockstream.Tool{Name: s.Name, Description: s.Description,
			InputSchema: append(json.RawMessage(nil), s.InputSchema.JSON...)})
	}
	if c := tc.ToolChoice; c != nil && v.union("toolConfig.toolChoice", c.Auto != nil, c.Any != nil, c.Tool != nil) {
		switch {
		case c.Auto != nil:
			req.ToolChoice = &rockstream.ToolChoice{Type: "auto"}
		case c.Any != nil:
			req.ToolChoice = &rockstream.ToolChoice{Type: "any"}
		default:
			v.required("toolConfig.toolChoice.tool.name", c.Tool.Name)
			req.ToolChoice = &rockstream.ToolChoice{Type: "tool", Name: c.Tool.Name}
		}
	}
}

// additional reads the fields Anthropic models take through
// additionalModelRequestFields (top_k, thinking with a budget,
// anthropic_beta) into the neutral request, and keeps every other key in
// ExtraFields.
func (v *validator) additional(req *rockstream.Request, raw json.RawMessage) {
	if !present(raw) {
		return
	}
	const p = "additionalModelRequestFields"
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		v.addf(nil, p, "Member must be a JSON object")
		return
	}
	if k, ok := fields["top_k"]; ok {
		var n int
		if json.Unmarshal(k, &n) != nil {
			v.addf(nil, p+".top_k", "Member must be an integer")
		}
		req.TopK = &n
		delete(fields, "top_k")
	}
	if th, ok := fields["thinking"]; ok {
		var t struct {
			Type         string `json:"type"`
			BudgetTokens *int   `json:"budget_tokens"`
		}
		// Only the budgeted form is neutral; other forms pass on as they came.
		switch {
		case json.Unmarshal(th, &t) != nil:
		case t.Type == "enabled" && t.BudgetTokens != nil && onlyKeys(th, "type", "budget_tokens"):
			req.Thinking = &rockstream.Thinking{BudgetTokens: *t.BudgetTokens}
			delete(fields, "thinking")
		case t.Type == "disabled" && onlyKeys(th, "type"):
			delete(fields, "thinking") // the default: nothing to carry
		}
	}
	if b, ok := fields["anthropic_beta"]; ok {
		if json.Unmarshal(b, &req.AnthropicBeta) != nil {
			v.addf(nil, p+".anthropic_beta", "Member must be a list of strings")
		}
		delete(fields, "anthropic_beta")
	}
	if len(fields) > 0 {
		req.ExtraFields = fields
	}
}

// onlyKeys reports whether the JSON object raw has no keys but these.
func onlyKeys(raw json.RawMessage, keys ...string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return false
		}
	}
	return true
}
