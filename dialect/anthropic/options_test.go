package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

// carriedRequest asks for everything a Bedrock Claude body carries beyond
// the conversation.
func carriedRequest() *rockstream.Request {
	return &rockstream.Request{
		Model: "m", MaxTokens: 100,
		System: []string{"You are terse.", "Cite."},
		Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
			{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "pdf", Name: "report", Bytes: []byte("%PDF-1.7"),
				Context: "Q3", Citations: true}, Cache: &rockstream.CachePoint{TTL: "1h"}},
			{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "txt", Text: "notes"}},
			{Type: rockstream.BlockToolResult, ToolUseID: "t1", Content: []rockstream.Block{
				{Type: rockstream.BlockText, Text: "result", Cache: &rockstream.CachePoint{}}}},
			{Type: rockstream.BlockText, Text: "Summarise.", Cache: &rockstream.CachePoint{TTL: "5m"}},
		}}},
		Tools: []rockstream.Tool{{Name: "lookup", InputSchema: json.RawMessage(`{"type":"object"}`), Cache: &rockstream.CachePoint{}}},
		Options: rockstream.Options{
			SystemCache:   []rockstream.SystemCachePoint{{After: 2}},
			AnthropicBeta: []string{"context-1m-2025-08-07"},
			ExtraFields:   map[string]json.RawMessage{"metadata": json.RawMessage(`{"user_id":"u-1"}`)},
		},
	}
}

func TestCarriedOptionsRoundTrip(t *testing.T) {
	req := carriedRequest()
	body, err := Codec{}.EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden(t, "request_options.golden.json", pretty.Bytes())
	got, err := Codec{}.DecodeRequest("m", body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("Bedrock round trip:\n got %+v\nwant %+v", got, req)
	}

	// The first-party body: the same minus anthropic_beta, which travels
	// in the header.
	fp := carriedRequest()
	fp.AnthropicBeta = nil
	fp.ExtraFields["service_tier"] = json.RawMessage(`"standard_only"`)
	body, err = ToMessagesRequest(fp, true)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err = FromMessagesRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, fp) {
		t.Errorf("first-party round trip:\n got %+v\nwant %+v", got, fp)
	}
}

func TestBetaHeader(t *testing.T) {
	req := &rockstream.Request{}
	ApplyBetaHeader(req, "a-1, b-2,,a-1")
	if !reflect.DeepEqual(req.AnthropicBeta, []string{"a-1", "b-2"}) || BetaHeader(req) != "a-1,b-2" {
		t.Errorf("beta flags %q, header %q", req.AnthropicBeta, BetaHeader(req))
	}
	if _, err := ToMessagesRequest(&rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}, Options: rockstream.Options{AnthropicBeta: []string{"x"}}}, true); err != nil {
		t.Errorf("beta flags refused for the first-party API, whose header carries them: %v", err)
	}
}

func TestGuardrailBodyKeyOnBedrock(t *testing.T) {
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":"hi"}],` +
		`"amazon-bedrock-guardrailConfig":{"tagSuffix":"abc","streamProcessingMode":"ASYNCHRONOUS"}}`
	req, err := Codec{}.DecodeRequest("m", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := &rockstream.Guardrail{TagSuffix: "abc", StreamProcessingMode: "async", Source: rockstream.GuardrailFromBody}
	if !reflect.DeepEqual(req.Guardrail, want) {
		t.Errorf("guardrail %+v, want %+v", req.Guardrail, want)
	}
}

func TestDecodeOptionsValidation(t *testing.T) {
	const head = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,`
	tests := []struct{ name, body, want string }{
		{"cache type", head + `"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"forever"}}]}]}`,
			"#/messages/0/content/0/cache_control/type: forever is not a valid enum value"},
		{"cache ttl", head + `"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral","ttl":"2h"}}]}]}`,
			"cache_control/ttl: 2h is not a valid enum value"},
		{"document media type", head + `"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/msword","data":"AA=="}}]}]}`,
			"source/media_type: application/msword is not a valid enum value"},
		{"beta type", head + `"anthropic_beta":"x","messages":[{"role":"user","content":"a"}]}`,
			"#/anthropic_beta: expected type: JSONArray, found: String"},
		{"metadata key", head + `"metadata":{"who":"x"},"messages":[{"role":"user","content":"a"}]}`,
			"#/metadata: extraneous key [who] is not permitted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Codec{}.DecodeRequest("m", []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEncodeRefusesWhatClaudeBodiesCannotCarry(t *testing.T) {
	base := func() *rockstream.Request {
		return &rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}
	}
	type encoder func(*rockstream.Request) ([]byte, error)
	bedrock := encoder(Codec{}.EncodeRequest)
	firstParty := encoder(func(r *rockstream.Request) ([]byte, error) { return ToMessagesRequest(r, true) })
	tests := []struct {
		name    string
		encode  encoder
		edit    func(*rockstream.Request)
		feature rockstream.Feature
		field   string
	}{
		{"guard content", bedrock, func(r *rockstream.Request) {
			r.Messages[0].Content = []rockstream.Block{{Type: rockstream.BlockGuardContent, Text: "x"}}
		}, rockstream.FeatureGuardContent, "guardContent"},
		{"response format", bedrock, func(r *rockstream.Request) { r.ResponseFormat = &rockstream.ResponseFormat{Type: "json_schema"} },
			rockstream.FeatureResponseFormat, "response_format"},
		{"response field paths", bedrock, func(r *rockstream.Request) { r.ResponseFieldPaths = []string{"/x"} },
			rockstream.FeatureResponseFieldPaths, "additionalModelResponseFieldPaths"},
		{"docx", bedrock, func(r *rockstream.Request) {
			r.Messages[0].Content = []rockstream.Block{{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "docx", Bytes: []byte("x")}}}
		}, rockstream.FeatureDocument, "document.format"},
		{"system cache before any prompt", bedrock, func(r *rockstream.Request) {
			r.SystemCache = []rockstream.SystemCachePoint{{After: 0}}
		}, rockstream.FeatureCachePoint, "cache_control"},
		{"first-party guardrail", firstParty, func(r *rockstream.Request) { r.Guardrail = &rockstream.Guardrail{Identifier: "g", Version: "1"} },
			rockstream.FeatureGuardrail, "guardrailConfig"},
		{"first-party tier", firstParty, func(r *rockstream.Request) { r.ServiceTier = "priority" },
			rockstream.FeatureServiceTier, "serviceTier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base()
			tt.edit(req)
			_, err := tt.encode(req)
			var fe *rockstream.FeatureError
			if !errors.As(err, &fe) || fe.Feature != tt.feature || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("err = %v, want a refusal of %s naming %s", err, tt.feature, tt.field)
			}
		})
	}
	// What InvokeModel's headers carry passes the Bedrock codec.
	req := base()
	req.Guardrail = &rockstream.Guardrail{Identifier: "g", Version: "1", Trace: "enabled"}
	req.Metadata, req.Latency, req.ServiceTier = map[string]string{"a": "b"}, "optimized", "priority"
	if _, err := (Codec{}).EncodeRequest(req); err != nil {
		t.Errorf("header-carried options refused: %v", err)
	}
}
