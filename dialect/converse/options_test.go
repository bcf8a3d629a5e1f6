package converse

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

// optionsRequest asks for everything Converse carries beyond the
// conversation.
func optionsRequest() *rockstream.Request {
	return &rockstream.Request{
		Model:  "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
		System: []string{"You are terse.", "Cite the document."},
		Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
			{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "pdf", Name: "report", Bytes: []byte("%PDF-1.7"),
				Context: "Q3 figures", Citations: true}, Cache: &rockstream.CachePoint{TTL: "1h"}},
			{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "txt", Name: "notes", Text: "plain notes"}},
			{Type: rockstream.BlockGuardContent, Text: "Is this allowed?", Qualifiers: []string{"query"}},
			{Type: rockstream.BlockText, Text: "Summarise.", Cache: &rockstream.CachePoint{}},
		}}},
		Tools: []rockstream.Tool{{Name: "lookup", InputSchema: json.RawMessage(`{"type":"object"}`), Cache: &rockstream.CachePoint{TTL: "5m"}}},
		Options: rockstream.Options{
			SystemCache: []rockstream.SystemCachePoint{{After: 2}},
			Guardrail: &rockstream.Guardrail{Identifier: "gr-abc123", Version: "3", Trace: "enabled_full",
				StreamProcessingMode: "async", Source: rockstream.GuardrailFromBody},
			Metadata:    map[string]string{"team": "search", "env": "test"},
			Latency:     "optimized",
			ServiceTier: "priority",
			ResponseFormat: &rockstream.ResponseFormat{Type: "json_schema", Name: "summary", Description: "A summary",
				Schema: json.RawMessage(`{"type":"object","properties":{"text":{"type":"string"}}}`)},
			Effort:             "high",
			ExtraFields:        map[string]json.RawMessage{"inference_geo": json.RawMessage(`"us"`)},
			ResponseFieldPaths: []string{"/stop_sequence", "/usage/cache~1read"},
			AnthropicBeta:      []string{"context-1m-2025-08-07"},
		},
	}
}

func TestOptionsRoundTrip(t *testing.T) {
	req := optionsRequest()
	body, err := EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden(t, "request_options.golden.json", pretty.Bytes())
	got, err := DecodeRequest(req.Model, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, req)
	}
}

func TestDecodeKeepsUnknownAdditionalFields(t *testing.T) {
	const user = `{"role":"user","content":[{"text":"hi"}]}`
	req, err := DecodeRequest("m", []byte(`{"messages":[`+user+`],"additionalModelRequestFields":`+
		`{"top_k":5,"thinking":{"type":"adaptive"},"anthropic_beta":["b1"],"reasoning_config":{"type":"enabled"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.TopK == nil || *req.TopK != 5 || req.Thinking != nil || !reflect.DeepEqual(req.AnthropicBeta, []string{"b1"}) {
		t.Errorf("neutral fields: top_k %v thinking %v beta %v", req.TopK, req.Thinking, req.AnthropicBeta)
	}
	want := map[string]json.RawMessage{"thinking": json.RawMessage(`{"type":"adaptive"}`), "reasoning_config": json.RawMessage(`{"type":"enabled"}`)}
	if !reflect.DeepEqual(req.ExtraFields, want) {
		t.Errorf("ExtraFields = %s, want the keys the neutral model does not read", req.ExtraFields)
	}
}

func TestDecodeOptionsValidation(t *testing.T) {
	const user = `{"role":"user","content":[{"text":"hi"}]}`
	tests := []struct{ name, body, want string }{
		{"cache point first", `{"messages":[{"role":"user","content":[{"cachePoint":{"type":"default"}},{"text":"a"}]}]}`,
			"Value null at 'messages.0.member.content.0.member.cachePoint' failed to satisfy constraint: A cache point must follow a content block"},
		{"cache ttl", `{"messages":[{"role":"user","content":[{"text":"a"},{"cachePoint":{"type":"default","ttl":"2h"}}]}]}`,
			"Value '2h' at 'messages.0.member.content.1.member.cachePoint.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]"},
		{"guardrail trace", `{"messages":[` + user + `],"guardrailConfig":{"guardrailIdentifier":"g","guardrailVersion":"1","trace":"on"}}`,
			"Value 'on' at 'guardrailConfig.trace' failed to satisfy constraint"},
		{"latency", `{"messages":[` + user + `],"performanceConfig":{"latency":"fast"}}`,
			"Value 'fast' at 'performanceConfig.latency'"},
		{"tier", `{"messages":[` + user + `],"serviceTier":{"type":"gold"}}`, "Value 'gold' at 'serviceTier.type'"},
		{"pointer", `{"messages":[` + user + `],"additionalModelResponseFieldPaths":["stop_sequence"]}`,
			"Value 'stop_sequence' at 'additionalModelResponseFieldPaths.0.member' failed to satisfy constraint: Member must be a JSON Pointer"},
		{"pointer escape", `{"messages":[` + user + `],"additionalModelResponseFieldPaths":["/a~2"]}`, "Member must be a JSON Pointer"},
		{"schema string", `{"messages":[` + user + `],"outputConfig":{"textFormat":{"type":"json_schema","structure":{"jsonSchema":{"schema":"nope"}}}}}`,
			"'outputConfig.textFormat.structure.jsonSchema.schema' failed to satisfy constraint: Member must be a JSON object encoded as a string"},
		{"document format", `{"messages":[{"role":"user","content":[{"document":{"name":"d","format":"exe","source":{"bytes":"AA=="}}}]}]}`,
			"Value 'exe' at 'messages.0.member.content.0.member.document.format'"},
		{"document s3", `{"messages":[{"role":"user","content":[{"document":{"name":"d","format":"pdf","source":{"s3Location":{"uri":"s3://b/k"}}}}]}]}`,
			"'messages.0.member.content.0.member.document.source.s3Location' failed to satisfy constraint: Member is not supported"},
		{"guard image", `{"messages":[{"role":"user","content":[{"guardContent":{"image":{"format":"png","source":{"bytes":"AA=="}}}}]}]}`,
			"guardContent.image' failed to satisfy constraint: Member is not supported"},
		{"prompt variables", `{"messages":[` + user + `],"promptVariables":{"x":{"text":"y"}}}`,
			"at 'promptVariables' failed to satisfy constraint: Member is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest("m", []byte(tt.body))
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Class != rockstream.ClassValidation {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("message\n got %q\nwant it to contain %q", e.Message, tt.want)
			}
		})
	}
}

func TestEncodeRefusesWhatConverseCannotCarry(t *testing.T) {
	base := func() *rockstream.Request {
		return &rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}
	}
	tests := []struct {
		name    string
		edit    func(*rockstream.Request)
		feature rockstream.Feature
		field   string
	}{
		{"tag suffix", func(r *rockstream.Request) {
			r.Guardrail = &rockstream.Guardrail{Identifier: "g", Version: "1", TagSuffix: "x"}
		},
			rockstream.FeatureGuardrail, "tagSuffix"},
		{"json object", func(r *rockstream.Request) { r.ResponseFormat = &rockstream.ResponseFormat{Type: "json_object"} },
			rockstream.FeatureResponseFormat, "json_object"},
		{"cache in tool result", func(r *rockstream.Request) {
			r.Messages[0].Content = []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "t",
				Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "r", Cache: &rockstream.CachePoint{}}}}}
		}, rockstream.FeatureCachePoint, "cache_control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base()
			tt.edit(req)
			for name, encode := range map[string]func() error{
				"json": func() error { _, err := EncodeRequest(req); return err },
				"sdk":  func() error { _, err := ToStreamInput(req); return err },
			} {
				err := encode()
				var fe *rockstream.FeatureError
				if !errors.As(err, &fe) || fe.Feature != tt.feature || !strings.Contains(err.Error(), tt.field) {
					t.Errorf("%s: err = %v, want a refusal of %s naming %s", name, err, tt.feature, tt.field)
				}
			}
		})
	}
}

func TestToStreamInputCarriesOptions(t *testing.T) {
	in, err := ToStreamInput(optionsRequest())
	if err != nil {
		t.Fatal(err)
	}
	g := in.GuardrailConfig
	if g == nil || *g.GuardrailIdentifier != "gr-abc123" || *g.GuardrailVersion != "3" || g.Trace != types.GuardrailTraceEnabledFull ||
		g.StreamProcessingMode != types.GuardrailStreamProcessingModeAsync {
		t.Errorf("guardrail %+v", g)
	}
	if in.RequestMetadata["team"] != "search" || in.PerformanceConfig.Latency != types.PerformanceConfigLatencyOptimized ||
		in.ServiceTier.Type != types.ServiceTierTypePriority || *in.OutputConfig.Effort != "high" {
		t.Errorf("metadata %v performance %+v tier %+v output %+v", in.RequestMetadata, in.PerformanceConfig, in.ServiceTier, in.OutputConfig)
	}
	js := in.OutputConfig.TextFormat.Structure.(*types.OutputFormatStructureMemberJsonSchema).Value
	if *js.Name != "summary" || !strings.Contains(*js.Schema, `"text"`) {
		t.Errorf("json schema %+v", js)
	}
	if len(in.System) != 3 {
		t.Fatalf("system %#v", in.System)
	}
	if cp, ok := in.System[2].(*types.SystemContentBlockMemberCachePoint); !ok || cp.Value.Type != types.CachePointTypeDefault {
		t.Errorf("system cache point %#v", in.System[2])
	}
	content := in.Messages[0].Content
	if cp, ok := content[1].(*types.ContentBlockMemberCachePoint); !ok || cp.Value.Ttl != types.CacheTTLOneHour {
		t.Errorf("block cache point %#v", content[1])
	}
	if doc, ok := content[0].(*types.ContentBlockMemberDocument); !ok || doc.Value.Format != types.DocumentFormatPdf || !*doc.Value.Citations.Enabled {
		t.Errorf("document %#v", content[0])
	}
	if _, ok := in.ToolConfig.Tools[1].(*types.ToolMemberCachePoint); !ok {
		t.Errorf("tool cache point %#v", in.ToolConfig.Tools)
	}
	var extra map[string]any
	if err := unmarshalDoc(in.AdditionalModelRequestFields, &extra); err != nil || extra["inference_geo"] != "us" || extra["anthropic_beta"] == nil {
		t.Errorf("additional fields %v %v", extra, err)
	}
	if len(in.AdditionalModelResponseFieldPaths) != 2 {
		t.Errorf("response field paths %v", in.AdditionalModelResponseFieldPaths)
	}
}
