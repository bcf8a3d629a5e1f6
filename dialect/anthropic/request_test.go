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

func fullRequest() *rockstream.Request {
	temp, topP, topK := 0.0, 0.9, 40
	return &rockstream.Request{
		Model:       "anthropic.claude-3-7-sonnet-20250219-v1:0",
		System:      []string{"You are terse.", "Answer in English."},
		MaxTokens:   8000,
		Temperature: &temp, TopP: &topP, TopK: &topK,
		StopSequences: []string{"\n\nHuman:"},
		Messages: []rockstream.Message{
			{Role: rockstream.RoleUser, Content: []rockstream.Block{
				{Type: rockstream.BlockText, Text: "What is the weather in Paris?"},
				{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: []byte("\x89PNG")}},
			}},
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
				{Type: rockstream.BlockThinking, Text: "Call the tool.", Signature: "sig"},
				{Type: rockstream.BlockRedactedThinking, Data: "cmVkYWN0ZWQ="},
				{Type: rockstream.BlockToolUse, ToolUseID: "toolu_1", Name: "get_weather", Input: json.RawMessage(`{"city":"Paris"}`)},
			}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{
				{Type: rockstream.BlockToolResult, ToolUseID: "toolu_1", IsError: true, Content: []rockstream.Block{
					{Type: rockstream.BlockText, Text: "service down"},
				}},
			}},
		},
		Tools: []rockstream.Tool{{Name: "get_weather", Description: "Weather by city",
			InputSchema: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}}}`)}},
		ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "get_weather"},
		Thinking:   &rockstream.Thinking{BudgetTokens: 2048},
	}
}

func TestRequestRoundTrip(t *testing.T) {
	req := fullRequest()
	body, err := Codec{}.EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden(t, "request.golden.json", pretty.Bytes())

	got, err := Codec{}.DecodeRequest(req.Model, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, req)
	}
}

func TestRequestEncodeMinimal(t *testing.T) {
	body, err := Codec{}.EncodeRequest(&rockstream.Request{Model: "m", System: []string{"be brief"},
		Messages: []rockstream.Message{rockstream.UserText("Hi")}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":4096,"system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}`
	if string(body) != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
}

func TestMessagesRequestRoundTrip(t *testing.T) {
	req := fullRequest()
	body, err := ToMessagesRequest(req, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "anthropic_version") {
		t.Errorf("first-party body carries anthropic_version: %s", body)
	}
	got, stream, err := FromMessagesRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if !stream || !reflect.DeepEqual(got, req) {
		t.Errorf("stream=%v\n got %+v\nwant %+v", stream, got, req)
	}
}

func TestDecodeRequestStringContent(t *testing.T) {
	got, err := Codec{}.DecodeRequest("m", []byte(`{"anthropic_version":"2026-10-21","max_tokens":10,
		"system":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}],
		"messages":[{"role":"user","content":"Hello"},{"role":"assistant","content":"Hi "}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &rockstream.Request{Model: "m", MaxTokens: 10, System: []string{"a"}, Messages: []rockstream.Message{
		rockstream.UserText("Hello"),
		{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "Hi "}}},
	}, Options: rockstream.Options{SystemCache: []rockstream.SystemCachePoint{{After: 1}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	const msgs = `"messages":[{"role":"user","content":"Hi"}]`
	tests := []struct {
		name, body, want string
	}{
		{"missing max_tokens", `{"anthropic_version":"bedrock-2023-05-31",` + msgs + `}`,
			"Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again."},
		{"extraneous key", `{"anthropic_version":"v","max_tokens":5,"model":"x",` + msgs + `}`,
			"Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again."},
		{"wrong type", `{"anthropic_version":"v","max_tokens":"5",` + msgs + `}`,
			"Malformed input request: #/max_tokens: expected type: Integer, found: String, please reformat your input and try again."},
		{"temperature range", `{"anthropic_version":"v","max_tokens":5,"temperature":1.5,` + msgs + `}`,
			"Malformed input request: #/temperature: 1.5 is not less or equal to 1, please reformat your input and try again."},
		{"max_tokens minimum", `{"anthropic_version":"v","max_tokens":0,` + msgs + `}`,
			"Malformed input request: #/max_tokens: 0 is not greater or equal to 1, please reformat your input and try again."},
		{"several", `{"max_tokens":"x","stream":true}`,
			"Malformed input request: 4 schema violations found, please reformat your input and try again."},
		{"bad role", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"system","content":"x"}]}`,
			"Malformed input request: #/messages/0/role: system is not a valid enum value, please reformat your input and try again."},
		{"block missing key", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}`,
			"Malformed input request: #/messages/0/content/0: required key [tool_use_id] not found, please reformat your input and try again."},
		{"bad base64", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"!!"}}]}]}`,
			"Malformed input request: #/messages/0/content/0/source/data: invalid base64 data, please reformat your input and try again."},
		{"huge max_tokens", `{"anthropic_version":"v","max_tokens":2147483648,` + msgs + `}`,
			"Malformed input request: #/max_tokens: 2147483648 is not less or equal to 1000000, please reformat your input and try again."},
		{"empty version", `{"anthropic_version":"","max_tokens":5,` + msgs + `}`,
			"Malformed input request: #/anthropic_version: must not be empty, please reformat your input and try again."},
		{"not an object", `[1]`,
			"Malformed input request: #: expected type: JSONObject, found: JSONArray, please reformat your input and try again."},
		{"invalid json", `{"max_tokens":`,
			"Malformed input request: #: expected type: JSONObject, found: invalid JSON, please reformat your input and try again."},
		{"no messages", `{"anthropic_version":"v","max_tokens":5,"messages":[]}`,
			"messages: at least one message is required"},
		{"first assistant", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"assistant","content":"x"}]}`,
			`messages: first message must use the "user" role`},
		{"not alternating", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}`,
			`messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row`},
		{"empty content", `{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":[]}]}`,
			"messages.0: all messages must have non-empty content except for the optional final assistant message"},
		{"thinking budget", `{"anthropic_version":"v","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":4000},` + msgs + `}`,
			"`max_tokens` must be greater than `thinking.budget_tokens`."},
		{"tool choice needs name", `{"anthropic_version":"v","max_tokens":5,"tool_choice":{"type":"tool"},` + msgs + `}`,
			"Malformed input request: #/tool_choice: required key [name] not found, please reformat your input and try again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Codec{}.DecodeRequest("m", []byte(tt.body))
			var e *rockstream.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *rockstream.Error", err)
			}
			if e.Class != rockstream.ClassValidation || e.StatusCode != 400 || e.Code != "ValidationException" {
				t.Errorf("error = %+v", e)
			}
			if e.Message != tt.want {
				t.Errorf("message\n got %q\nwant %q", e.Message, tt.want)
			}
		})
	}
}

func TestFromMessagesRequestValidation(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"missing model", `{"max_tokens":5,"messages":[{"role":"user","content":"x"}]}`, "model: Field required"},
		{"version key", `{"model":"m","anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`,
			"anthropic_version: Extra inputs are not permitted"},
		{"bad type", `{"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]}`,
			"stream: Input should be a valid boolean"},
		{"top_p", `{"model":"m","max_tokens":5,"top_p":-1,"messages":[{"role":"user","content":"x"}]}`,
			"top_p: Input should be greater than or equal to 0"},
		{"nested role", `{"model":"m","max_tokens":5,"messages":[{"role":"bot","content":"x"}]}`,
			"messages.0.role: Input should be 'user' or 'assistant'"},
		{"not json", `nope`, "There was an error parsing the body of your request."},
		{"empty model", `{"model":"","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`,
			"model: String should have at least 1 character"},
		{"blank model", `{"model":"  ","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`,
			"model: String should have at least 1 character"},
		{"max_tokens 2^31", `{"model":"m","max_tokens":2147483648,"messages":[{"role":"user","content":"x"}]}`,
			"max_tokens: Input should be less than or equal to 1000000"},
		{"max_tokens 10^12", `{"model":"m","max_tokens":1000000000000,"messages":[{"role":"user","content":"x"}]}`,
			"max_tokens: Input should be less than or equal to 1000000"},
		{"max_tokens null", `{"model":"m","max_tokens":null,"messages":[{"role":"user","content":"x"}]}`,
			"max_tokens: Input should be a valid integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := FromMessagesRequest([]byte(tt.body))
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Class != rockstream.ClassValidation {
				t.Fatalf("err = %v", err)
			}
			if e.Message != tt.want {
				t.Errorf("message\n got %q\nwant %q", e.Message, tt.want)
			}
		})
	}
}

func FuzzDecodeRequest(f *testing.F) {
	body, _ := Codec{}.EncodeRequest(fullRequest())
	f.Add(body)
	opts, _ := Codec{}.EncodeRequest(carriedRequest())
	f.Add(opts)
	f.Add([]byte(`{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}`))
	f.Add([]byte(`{"model":"","max_tokens":2147483648,"messages":[{"role":"user","content":"Hi"}]}`))
	f.Add([]byte(`{"anthropic_version":"v","max_tokens":1000000000000,"messages":[{"role":"user","content":"Hi"}]}`))
	f.Add([]byte(`{"model":"m","max_tokens":1e400,"messages":[{"role":"user","content":[{"type":"image","source":null}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := Codec{}.DecodeRequest("m", body)
		if err != nil {
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Class != rockstream.ClassValidation {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		// Whatever decodes must encode and decode again.
		again, err := Codec{}.EncodeRequest(req)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := (Codec{}).DecodeRequest("m", again); err != nil {
			t.Fatalf("re-decode of %s: %v", again, err)
		}
		_, _, _ = FromMessagesRequest(body)
		if req, err := FromCountTokensRequest(body); err == nil && (req.Model == "" || len(req.Messages) == 0) {
			t.Fatalf("count_tokens body %q decoded without model or messages: %+v", body, req)
		}
	})
}

func TestFromCountTokensRequest(t *testing.T) {
	req, err := FromCountTokensRequest([]byte(`{"model":"claude-sonnet-4-5","system":"Be brief.","messages":[{"role":"user","content":"Hello"}],"thinking":{"type":"enabled","budget_tokens":2048}}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Model != "claude-sonnet-4-5" || len(req.System) != 1 || len(req.Messages) != 1 || req.Thinking == nil {
		t.Errorf("decoded %+v", req)
	}
	for body, want := range map[string]string{
		`{"messages":[{"role":"user","content":"Hello"}]}`:                            "model: Field required",
		`{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"Hello"}]}`: "max_tokens: Extra inputs are not permitted",
		`{"model":"m","messages":[{"role":"user","content":"Hello"}],"stream":true}`:  "stream: Extra inputs are not permitted",
		`{"model":"m","messages":[]}`:                                                 "at least one message",
	} {
		_, err := FromCountTokensRequest([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", body, err, want)
		}
	}
}
