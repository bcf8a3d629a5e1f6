package openai

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

const optionsBody = `{"model":"m","messages":[{"role":"user","content":"hi"}],` +
	`"response_format":{"type":"json_schema","json_schema":{"name":"answer","description":"d","schema":{"type":"object"},"strict":true}},` +
	`"metadata":{"team":"a"},"service_tier":"flex"}`

func TestOptionsRoundTrip(t *testing.T) {
	req, _, err := FromChatRequest([]byte(optionsBody))
	if err != nil {
		t.Fatal(err)
	}
	want := rockstream.Options{Metadata: map[string]string{"team": "a"}, ServiceTier: "flex",
		ResponseFormat: &rockstream.ResponseFormat{Type: "json_schema", Name: "answer", Description: "d", Schema: json.RawMessage(`{"type":"object"}`), Strict: true}}
	if !reflect.DeepEqual(req.Options, want) {
		t.Fatalf("options %+v, want %+v", req.Options, want)
	}
	cr, err := ToChatRequest(req, false)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(cr)
	again, _, err := FromChatRequest(body)
	if err != nil || !reflect.DeepEqual(again.Options, want) {
		t.Errorf("re-decoded options %+v (%v) from %s", again.Options, err, body)
	}
	for rf, want := range map[string]*rockstream.ResponseFormat{
		`{"type":"text"}`:        nil,
		`{"type":"json_object"}`: {Type: "json_object"},
	} {
		req, _, err := FromChatRequest([]byte(`{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + rf + `}`))
		if err != nil || !reflect.DeepEqual(req.ResponseFormat, want) {
			t.Errorf("%s: %+v, %v", rf, req.ResponseFormat, err)
		}
	}
}

func TestResponseFormatValidation(t *testing.T) {
	for body, param := range map[string]string{
		`{"type":"xml"}`:                          "response_format.type",
		`{"type":"json_schema"}`:                  "response_format.json_schema",
		`{"type":"json_schema","json_schema":{}}`: "response_format.json_schema.name",
		`{"type":"json_schema","json_schema":{"name":"n","schema":[]}}`: "response_format.json_schema.schema",
		`"json"`: "response_format",
	} {
		_, _, err := FromChatRequest([]byte(`{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + body + `}`))
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("%s: err = %v, want one naming %s", body, err, param)
		}
	}
}

func TestToChatRequestRefusesWhatChatCannotCarry(t *testing.T) {
	tests := map[rockstream.Feature]func(*rockstream.Request){
		rockstream.FeatureGuardrail: func(r *rockstream.Request) { r.Guardrail = &rockstream.Guardrail{Identifier: "g", Version: "1"} },
		rockstream.FeatureLatency:   func(r *rockstream.Request) { r.Latency = "optimized" },
		rockstream.FeatureDocument: func(r *rockstream.Request) {
			r.Messages[0].Content[0] = rockstream.Block{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "pdf"}}
		},
		rockstream.FeatureGuardContent: func(r *rockstream.Request) {
			r.Messages[0].Content[0] = rockstream.Block{Type: rockstream.BlockGuardContent, Text: "x"}
		},
		rockstream.FeatureExtraFields:        func(r *rockstream.Request) { r.ExtraFields = map[string]json.RawMessage{"k": json.RawMessage("1")} },
		rockstream.FeatureResponseFieldPaths: func(r *rockstream.Request) { r.ResponseFieldPaths = []string{"/x"} },
		rockstream.FeatureAnthropicBeta:      func(r *rockstream.Request) { r.AnthropicBeta = []string{"b"} },
		rockstream.FeatureEffort:             func(r *rockstream.Request) { r.Effort = "high" },
		rockstream.FeatureServiceTier:        func(r *rockstream.Request) { r.ServiceTier = "reserved" },
	}
	for f, edit := range tests {
		req := &rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}
		edit(req)
		_, err := ToChatRequest(req, true)
		var fe *rockstream.FeatureError
		var e *rockstream.Error
		if !errors.As(err, &fe) || fe.Feature != f || !errors.As(err, &e) || e.Class != rockstream.ClassValidation ||
			!strings.Contains(e.Message, "OpenAI-compatible") {
			t.Errorf("%s: err = %v, want a validation error refusing it", f, err)
		}
	}
	req := &rockstream.Request{Model: "m", Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
		{Type: rockstream.BlockText, Text: "hi", Cache: &rockstream.CachePoint{}}}}}}
	if _, err := ToChatRequest(req, true); err != nil {
		t.Errorf("a cache point, which prefix caching honours, was refused: %v", err)
	}
}
