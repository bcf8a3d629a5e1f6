package rockstream

import (
	"fmt"
	"slices"
)

// Feature names one thing a request can ask for that not every wire can
// carry. Converters list what they carry and refuse the rest with Refuse.
type Feature string

const (
	FeatureCachePoint         Feature = "cache_point"
	FeatureGuardrail          Feature = "guardrail"
	FeatureMetadata           Feature = "request_metadata"
	FeatureLatency            Feature = "latency"
	FeatureServiceTier        Feature = "service_tier"
	FeatureResponseFormat     Feature = "response_format"
	FeatureEffort             Feature = "effort"
	FeatureExtraFields        Feature = "extra_fields"
	FeatureResponseFieldPaths Feature = "response_field_paths"
	FeatureAnthropicBeta      Feature = "anthropic_beta"
	FeatureDocument           Feature = "document"
	FeatureGuardContent       Feature = "guard_content"
)

// fields names each feature by the request fields that ask for it in
// every dialect, so a refusal names what the caller wrote.
var fields = map[Feature]string{
	FeatureCachePoint:         "cache points (cachePoint, cache_control)",
	FeatureGuardrail:          "guardrail settings (guardrailConfig, amazon-bedrock-guardrailConfig, X-Amzn-Bedrock-GuardrailIdentifier, X-Amzn-Bedrock-Trace)",
	FeatureMetadata:           "request metadata (requestMetadata, X-Amzn-Bedrock-Request-Metadata, metadata)",
	FeatureLatency:            "latency-optimized inference (performanceConfig, X-Amzn-Bedrock-PerformanceConfig-Latency)",
	FeatureServiceTier:        "a service tier (serviceTier, service_tier, X-Amzn-Bedrock-Service-Tier)",
	FeatureResponseFormat:     "a structured output format (outputConfig.textFormat, response_format)",
	FeatureEffort:             "a reasoning effort (outputConfig.effort)",
	FeatureExtraFields:        "additional model request fields (additionalModelRequestFields)",
	FeatureResponseFieldPaths: "additional model response field paths (additionalModelResponseFieldPaths)",
	FeatureAnthropicBeta:      "Anthropic beta flags (anthropic_beta, anthropic-beta)",
	FeatureDocument:           "document blocks (document)",
	FeatureGuardContent:       "guard content blocks (guardContent)",
}

// Fields is how f reads in a message: what it is and the request fields
// that ask for it.
func (f Feature) Fields() string {
	if s, ok := fields[f]; ok {
		return s
	}
	return string(f)
}

// FeatureError is the cause of a refusal: Target cannot carry Feature.
// It is the Err of the validation *Error Refuse returns, so a frontend can
// name the field in its own dialect with errors.As.
type FeatureError struct {
	Feature Feature
	// Target is who cannot carry it, e.g. "the titan model family".
	Target string
}

func (e *FeatureError) Error() string {
	return fmt.Sprintf("%s cannot carry %s", e.Target, e.Feature.Fields())
}

// Refuse is the validation error for a request asking target for what it
// cannot carry: a clear 400 in every dialect, never a silent drop.
func Refuse(target string, f Feature) *Error {
	fe := &FeatureError{Feature: f, Target: target}
	e := Validationf("%s; remove it or send the request where it can be honoured.", fe.Error())
	e.Err = fe
	return e
}

// RefuseWhat is Refuse for one part of a feature, named by what (e.g.
// "a json_object response format (response_format)"), when the target
// carries the rest of it.
func RefuseWhat(target string, f Feature, what string) *Error {
	e := Validationf("%s cannot carry %s; remove it or send the request where it can be honoured.", target, what)
	e.Err = &FeatureError{Feature: f, Target: target}
	return e
}

// Features lists what req asks for beyond the conversation and its
// sampling parameters, in a fixed order.
func (r *Request) Features() []Feature {
	var out []Feature
	add := func(f Feature, set bool) {
		if set {
			out = append(out, f)
		}
	}
	blocks := r.blockFeatures()
	add(FeatureCachePoint, len(r.SystemCache) > 0 || blocks[FeatureCachePoint] || r.toolCache())
	add(FeatureGuardrail, r.Guardrail != nil)
	add(FeatureMetadata, len(r.Metadata) > 0)
	add(FeatureLatency, r.Latency != "")
	add(FeatureServiceTier, r.ServiceTier != "")
	add(FeatureResponseFormat, r.ResponseFormat != nil)
	add(FeatureEffort, r.Effort != "")
	add(FeatureExtraFields, len(r.ExtraFields) > 0)
	add(FeatureResponseFieldPaths, len(r.ResponseFieldPaths) > 0)
	add(FeatureAnthropicBeta, len(r.AnthropicBeta) > 0)
	add(FeatureDocument, blocks[FeatureDocument])
	add(FeatureGuardContent, blocks[FeatureGuardContent])
	return out
}

// CheckFeatures refuses req, on behalf of target, when it asks for a
// feature not in carried. It returns nil when target can carry it all.
func (r *Request) CheckFeatures(target string, carried ...Feature) error {
	for _, f := range r.Features() {
		if !slices.Contains(carried, f) {
			return Refuse(target, f)
		}
	}
	return nil
}

func (r *Request) toolCache() bool {
	for _, t := range r.Tools {
		if t.Cache != nil {
			return true
		}
	}
	return false
}

// blockFeatures reports the features content blocks ask for, nested
// tool-result content included.
func (r *Request) blockFeatures() map[Feature]bool {
	found := map[Feature]bool{}
	var walk func([]Block)
	walk = func(bs []Block) {
		for _, b := range bs {
			found[FeatureCachePoint] = found[FeatureCachePoint] || b.Cache != nil
			found[FeatureDocument] = found[FeatureDocument] || b.Type == BlockDocument
			found[FeatureGuardContent] = found[FeatureGuardContent] || b.Type == BlockGuardContent
			walk(b.Content)
		}
	}
	for _, m := range r.Messages {
		walk(m.Content)
	}
	return found
}
