package converse

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

// target names Converse in refusals.
const target = "Bedrock Converse"

// checkCarried refuses what Converse has no member for: a guardrail's
// InvokeModel input-tag suffix, a json_object format, cache points
// inside tool results.
func checkCarried(req *rockstream.Request) error {
	if g := req.Guardrail; g != nil && g.TagSuffix != "" {
		return rockstream.RefuseWhat(target, rockstream.FeatureGuardrail,
			"a guardrail input-tag suffix (amazon-bedrock-guardrailConfig.tagSuffix); use guardContent blocks")
	}
	if f := req.ResponseFormat; f != nil && f.Type != "json_schema" {
		return rockstream.RefuseWhat(target, rockstream.FeatureResponseFormat,
			fmt.Sprintf("a %s response format (response_format); only json_schema (outputConfig.textFormat)", f.Type))
	}
	for _, m := range req.Messages {
		for _, b := range m.Content {
			for _, c := range b.Content {
				if c.Cache != nil {
					return rockstream.RefuseWhat(target, rockstream.FeatureCachePoint, "a cache point inside a tool result (cache_control)")
				}
				if c.Type != rockstream.BlockText && c.Type != rockstream.BlockImage {
					return rockstream.RefuseWhat(target, rockstream.FeatureDocument, string(c.Type)+" content inside a tool result")
				}
			}
		}
	}
	for _, sc := range req.SystemCache {
		if sc.After < 0 || sc.After > len(req.System) {
			return rockstream.Validationf("a system cache point after prompt %d: there are %d system prompts", sc.After, len(req.System))
		}
	}
	return nil
}

// systemToWire writes the system prompts with their cache points.
func systemToWire(req *rockstream.Request) []wireSystem {
	var out []wireSystem
	cacheAfter := func(n int) {
		for _, sc := range req.SystemCache {
			if sc.After == n {
				out = append(out, wireSystem{CachePoint: cacheToWire(&sc.CachePoint)})
			}
		}
	}
	cacheAfter(0)
	for i, s := range req.System {
		out = append(out, wireSystem{Text: ptr(s)})
		cacheAfter(i + 1)
	}
	return out
}

func cacheToWire(cp *rockstream.CachePoint) *wireCachePoint {
	return &wireCachePoint{Type: "default", TTL: cp.TTL}
}

func documentToWire(d *rockstream.Document) (*wireDocument, error) {
	if d == nil {
		return nil, fmt.Errorf("document block without a document")
	}
	w := &wireDocument{Format: d.Format, Name: d.Name, Context: d.Context}
	if w.Name == "" {
		w.Name = "document" // Converse requires a name
	}
	if d.Bytes != nil {
		w.Source.Bytes = d.Bytes
	} else {
		w.Source.Text = ptr(d.Text)
	}
	if d.Citations {
		w.Citations = &wireCitations{Enabled: true}
	}
	return w, nil
}

// optionsToWire sets the top-level members rockstream.Options map to.
func optionsToWire(w *wireRequest, req *rockstream.Request) error {
	if g := req.Guardrail; g != nil {
		w.GuardrailConfig = &wireGuardrail{GuardrailIdentifier: g.Identifier, GuardrailVersion: g.Version,
			Trace: g.Trace, StreamProcessingMode: g.StreamProcessingMode}
	}
	w.RequestMetadata = req.Metadata
	if req.Latency != "" {
		w.PerformanceConfig = &wirePerformance{Latency: req.Latency}
	}
	if req.ServiceTier != "" {
		w.ServiceTier = &wireServiceTier{Type: req.ServiceTier}
	}
	if req.ResponseFormat != nil || req.Effort != "" {
		w.OutputConfig = &wireOutputConfig{Effort: req.Effort}
		if f := req.ResponseFormat; f != nil {
			of := &wireOutputFormat{Type: "json_schema"}
			of.Structure.JSONSchema = &wireJSONSchema{Schema: string(schemaOrObject(f.Schema)), Name: f.Name, Description: f.Description}
			w.OutputConfig.TextFormat = of
		}
	}
	w.AdditionalModelResponseFieldPaths = req.ResponseFieldPaths
	extra, err := additionalFields(req)
	if err != nil || extra == nil {
		return err
	}
	w.AdditionalModelRequestFields, err = json.Marshal(extra)
	return err
}

// additionalFields carries what Converse has no member for in
// additionalModelRequestFields: top_k and extended thinking as Anthropic
// models on Bedrock read them, the Anthropic beta flags, and the request's
// ExtraFields. It is nil when there is none.
func additionalFields(req *rockstream.Request) (map[string]any, error) {
	m := map[string]any{}
	if req.TopK != nil {
		m["top_k"] = *req.TopK
	}
	if req.Thinking != nil {
		m["thinking"] = map[string]any{"type": "enabled", "budget_tokens": req.Thinking.BudgetTokens}
	}
	if len(req.AnthropicBeta) > 0 {
		m["anthropic_beta"] = req.AnthropicBeta
	}
	for k, v := range req.ExtraFields {
		if _, dup := m[k]; dup {
			return nil, rockstream.Validationf("additionalModelRequestFields.%s is set twice: by the request and by its extra fields", k)
		}
		m[k] = v
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}
