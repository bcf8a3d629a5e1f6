package rockstream

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFeaturesListsWhatARequestAsksFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  Request
		want []Feature
	}{
		{"plain", Request{Messages: []Message{UserText("hi")}}, nil},
		{"system cache", Request{Options: Options{SystemCache: []SystemCachePoint{{After: 1}}}}, []Feature{FeatureCachePoint}},
		{"tool cache", Request{Tools: []Tool{{Name: "f", Cache: &CachePoint{}}}}, []Feature{FeatureCachePoint}},
		{"nested block cache and document", Request{Messages: []Message{{Role: RoleUser, Content: []Block{
			{Type: BlockToolResult, Content: []Block{{Type: BlockText, Cache: &CachePoint{TTL: "1h"}}}},
			{Type: BlockDocument, Document: &Document{Format: "pdf"}},
		}}}}, []Feature{FeatureCachePoint, FeatureDocument}},
		{"everything else", Request{
			Messages: []Message{{Role: RoleUser, Content: []Block{{Type: BlockGuardContent, Text: "x"}}}},
			Options: Options{Guardrail: &Guardrail{Identifier: "g"}, Metadata: map[string]string{"k": "v"}, Latency: "optimized",
				ServiceTier: "flex", ResponseFormat: &ResponseFormat{Type: "json_object"}, Effort: "low",
				ExtraFields: map[string]json.RawMessage{"x": json.RawMessage("1")}, ResponseFieldPaths: []string{"/stop_sequence"}, AnthropicBeta: []string{"b"}},
		}, []Feature{FeatureGuardrail, FeatureMetadata, FeatureLatency, FeatureServiceTier, FeatureResponseFormat, FeatureEffort,
			FeatureExtraFields, FeatureResponseFieldPaths, FeatureAnthropicBeta, FeatureGuardContent}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.req.Features(); !slices.Equal(got, tc.want) {
				t.Errorf("Features() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckFeaturesRefusesByName(t *testing.T) {
	t.Parallel()
	req := &Request{Options: Options{Metadata: map[string]string{"team": "a"}, Guardrail: &Guardrail{Identifier: "g", Version: "1"}}}
	if err := req.CheckFeatures("x", FeatureGuardrail, FeatureMetadata); err != nil {
		t.Fatalf("everything carried, got %v", err)
	}
	err := req.CheckFeatures("the titan model family", FeatureMetadata)
	var e *Error
	var fe *FeatureError
	if !errors.As(err, &e) || e.Class != ClassValidation || e.StatusCode != 400 {
		t.Fatalf("want a 400 validation error, got %#v", err)
	}
	if !errors.As(err, &fe) || fe.Feature != FeatureGuardrail || fe.Target != "the titan model family" {
		t.Fatalf("want a FeatureError for the guardrail, got %#v", err)
	}
	if !strings.Contains(e.Message, "guardrailConfig") || !strings.Contains(e.Message, "the titan model family") {
		t.Errorf("message does not name the field and the target: %q", e.Message)
	}
}

func TestUnsetOptionsStayOutOfJSON(t *testing.T) {
	t.Parallel()
	req := Request{Model: "m", Messages: []Message{UserText("hi")}, Tools: []Tool{{Name: "f"}}}
	b, err := json.Marshal(&req)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Options", "Guardrail", "SystemCache", "Cache", "Document", "Qualifiers", "ExtraFields"} {
		if strings.Contains(string(b), `"`+name+`"`) {
			t.Errorf("%s appears in %s", name, b)
		}
	}
}
