package converse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
)

// The JSON shapes of what Converse asks for beyond the conversation.
type (
	wireCachePoint struct {
		Type string `json:"type"`
		TTL  string `json:"ttl,omitempty"`
	}
	wireGuardrail struct {
		GuardrailIdentifier  string `json:"guardrailIdentifier,omitempty"`
		GuardrailVersion     string `json:"guardrailVersion,omitempty"`
		Trace                string `json:"trace,omitempty"`
		StreamProcessingMode string `json:"streamProcessingMode,omitempty"`
	}
	wirePerformance struct {
		Latency string `json:"latency,omitempty"`
	}
	wireServiceTier struct {
		Type string `json:"type"`
	}
	wireOutputConfig struct {
		TextFormat *wireOutputFormat `json:"textFormat,omitempty"`
		Effort     string            `json:"effort,omitempty"`
	}
	wireOutputFormat struct {
		Type      string `json:"type"`
		Structure struct {
			JSONSchema *wireJSONSchema `json:"jsonSchema,omitempty"`
		} `json:"structure"`
	}
	wireJSONSchema struct {
		// Schema is the JSON Schema as a string, as Converse takes it.
		Schema      string `json:"schema"`
		Name        string `json:"name,omitempty"`
		Description string `json:"description,omitempty"`
	}
	wireDocument struct {
		Format    string             `json:"format,omitempty"`
		Name      string             `json:"name"`
		Source    wireDocumentSource `json:"source"`
		Context   string             `json:"context,omitempty"`
		Citations *wireCitations     `json:"citations,omitempty"`
	}
	wireDocumentSource struct {
		Bytes      []byte          `json:"bytes,omitempty"`
		Text       *string         `json:"text,omitempty"`
		S3Location json.RawMessage `json:"s3Location,omitempty"`
		Content    json.RawMessage `json:"content,omitempty"`
	}
	wireCitations struct {
		Enabled bool `json:"enabled"`
	}
	wireGuardContent struct {
		Text  *wireGuardText  `json:"text,omitempty"`
		Image json.RawMessage `json:"image,omitempty"`
	}
	wireGuardText struct {
		Text       string   `json:"text"`
		Qualifiers []string `json:"qualifiers,omitempty"`
	}
)

// The enumerations Converse checks.
var (
	documentFormats = []string{"pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"}
	cacheTTLs       = []string{"5m", "1h"}
	guardTraces     = []string{"enabled", "disabled", "enabled_full"}
	guardModes      = []string{"sync", "async"}
	latencies       = []string{"standard", "optimized"}
	serviceTiers    = []string{"priority", "default", "flex", "reserved"}
	guardQualifiers = []string{"grounding_source", "query", "guard_content"}
	efforts         = []string{"low", "medium", "high", "xhigh", "max"}
)

func (v *validator) enum(value, path string, allowed []string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	v.addf(value, path, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
	return false
}

func (v *validator) cachePoint(path string, cp *wireCachePoint) *rockstream.CachePoint {
	v.enum(cp.Type, path+".type", []string{"default"})
	if cp.TTL != "" {
		v.enum(cp.TTL, path+".ttl", cacheTTLs)
	}
	return &rockstream.CachePoint{TTL: cp.TTL}
}

func (v *validator) document(p string, d *wireDocument) (rockstream.Block, bool) {
	n := len(v.errs)
	doc := &rockstream.Document{Format: d.Format, Name: d.Name, Context: d.Context,
		Citations: d.Citations != nil && d.Citations.Enabled}
	v.required(p+".name", d.Name)
	src := d.Source
	if v.union(p+".source", src.Bytes != nil, src.Text != nil, present(src.S3Location), present(src.Content)) &&
		!v.unsupported(p+".source", "s3Location", present(src.S3Location)) &&
		!v.unsupported(p+".source", "content", present(src.Content)) {
		doc.Bytes = src.Bytes
		if src.Text != nil {
			doc.Text = *src.Text
		}
	}
	switch {
	case d.Format != "":
		v.enum(d.Format, p+".format", documentFormats)
	case src.Text != nil:
		doc.Format = "txt" // Converse lets a text source leave the format out
	default:
		v.addf(nil, p+".format", "Member must not be null")
	}
	return rockstream.Block{Type: rockstream.BlockDocument, Document: doc}, len(v.errs) == n
}

func (v *validator) guardContent(p string, g *wireGuardContent) (rockstream.Block, bool) {
	if !v.union(p, g.Text != nil, present(g.Image)) || v.unsupported(p, "image", present(g.Image)) {
		return rockstream.Block{}, false
	}
	n := len(v.errs)
	for i, q := range g.Text.Qualifiers {
		v.enum(q, fmt.Sprintf("%s.text.qualifiers.%d.member", p, i), guardQualifiers)
	}
	return rockstream.Block{Type: rockstream.BlockGuardContent, Text: g.Text.Text,
		Qualifiers: slices.Clone(g.Text.Qualifiers)}, len(v.errs) == n
}

// options reads the top-level members that become rockstream.Options.
func (v *validator) options(req *rockstream.Request, w *wireRequest) {
	if g := w.GuardrailConfig; g != nil {
		if g.Trace != "" {
			v.enum(g.Trace, "guardrailConfig.trace", guardTraces)
		}
		if g.StreamProcessingMode != "" {
			v.enum(g.StreamProcessingMode, "guardrailConfig.streamProcessingMode", guardModes)
		}
		req.Guardrail = &rockstream.Guardrail{Identifier: g.GuardrailIdentifier, Version: g.GuardrailVersion,
			Trace: g.Trace, StreamProcessingMode: g.StreamProcessingMode, Source: rockstream.GuardrailFromBody}
	}
	if len(w.RequestMetadata) > 0 {
		req.Metadata = w.RequestMetadata
	}
	if p := w.PerformanceConfig; p != nil && p.Latency != "" {
		v.enum(p.Latency, "performanceConfig.latency", latencies)
		req.Latency = p.Latency
	}
	if t := w.ServiceTier; t != nil {
		v.enum(t.Type, "serviceTier.type", serviceTiers)
		req.ServiceTier = t.Type
	}
	if o := w.OutputConfig; o != nil {
		if o.Effort != "" {
			v.enum(o.Effort, "outputConfig.effort", efforts)
			req.Effort = o.Effort
		}
		if f := o.TextFormat; f != nil {
			req.ResponseFormat = v.outputFormat(f)
		}
	}
	for i, p := range w.AdditionalModelResponseFieldPaths {
		if !validPointer(p) {
			v.addf(p, fmt.Sprintf("additionalModelResponseFieldPaths.%d.member", i), "Member must be a JSON Pointer (RFC 6901)")
		}
	}
	if len(w.AdditionalModelResponseFieldPaths) > 10 {
		v.addf(nil, "additionalModelResponseFieldPaths", "Member must have length less than or equal to 10")
	}
	req.ResponseFieldPaths = w.AdditionalModelResponseFieldPaths
	if present(w.PromptVariables) { // only prompt-management ARNs take them
		v.addf(nil, "promptVariables", "Member is not supported by this model")
	}
}

func (v *validator) outputFormat(f *wireOutputFormat) *rockstream.ResponseFormat {
	const p = "outputConfig.textFormat"
	if !v.enum(f.Type, p+".type", []string{"json_schema"}) {
		return nil
	}
	js := f.Structure.JSONSchema
	if js == nil {
		v.addf(nil, p+".structure.jsonSchema", "Member must not be null")
		return nil
	}
	schema := []byte(js.Schema)
	if !json.Valid(schema) || !bytes.HasPrefix(bytes.TrimSpace(schema), []byte("{")) {
		v.addf(nil, p+".structure.jsonSchema.schema", "Member must be a JSON object encoded as a string")
		return nil
	}
	return &rockstream.ResponseFormat{Type: "json_schema", Name: js.Name, Description: js.Description, Schema: schema}
}

// validPointer reports whether p is a JSON Pointer: empty, or "/"-led
// reference tokens in which "~" only escapes "0" or "1".
func validPointer(p string) bool {
	if p == "" {
		return true
	}
	if p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || (p[i+1] != '0' && p[i+1] != '1')) {
			return false
		}
	}
	return true
}
