package openai

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
)

func ptr[T any](v T) *T { return &v }

func TestFromChatRequest(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *rockstream.Request
		mode StreamMode
	}{
		{"minimal", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
			&rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}, StreamMode{}},
		{"stream with usage", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`,
			&rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}, StreamMode{Stream: true, IncludeUsage: true}},
		{"params", `{"model":"m","max_tokens":5,"max_completion_tokens":9,"temperature":0.5,"top_p":0.9,"stop":"END","messages":[{"role":"system","content":"be brief"},{"role":"developer","content":[{"type":"text","text":"and kind"}]},{"role":"user","content":"hi"}]}`,
			&rockstream.Request{Model: "m", MaxTokens: 9, Temperature: ptr(0.5), TopP: ptr(0.9), StopSequences: []string{"END"},
				System: []string{"be brief", "and kind"}, Messages: []rockstream.Message{rockstream.UserText("hi")}}, StreamMode{}},
		{"stop array and max_tokens", `{"model":"m","max_tokens":5,"stop":["a","b"],"messages":[{"role":"user","content":"hi"}]}`,
			&rockstream.Request{Model: "m", MaxTokens: 5, StopSequences: []string{"a", "b"}, Messages: []rockstream.Message{rockstream.UserText("hi")}}, StreamMode{}},
		{"tools round", `{"model":"m","tool_choice":{"type":"function","function":{"name":"w"}},"tools":[{"type":"function","function":{"name":"w","description":"weather","parameters":{"type":"object"}}}],
			"messages":[{"role":"user","content":[{"type":"text","text":"weather?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,aGk="}}]},
			{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{\"city\":\"Paris\"}"}},{"id":"c2","type":"function","function":{"name":"w","arguments":""}}]},
			{"role":"tool","tool_call_id":"c1","content":"sunny"},{"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"rain"}]}]}`,
			&rockstream.Request{Model: "m",
				Tools:      []rockstream.Tool{{Name: "w", Description: "weather", InputSchema: json.RawMessage(`{"type":"object"}`)}},
				ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "w"},
				Messages: []rockstream.Message{
					{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "weather?"},
						{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: []byte("hi")}}}},
					{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
						{Type: rockstream.BlockToolUse, ToolUseID: "c1", Name: "w", Input: json.RawMessage(`{"city":"Paris"}`)},
						{Type: rockstream.BlockToolUse, ToolUseID: "c2", Name: "w", Input: json.RawMessage(`{}`)}}},
					{Role: rockstream.RoleUser, Content: []rockstream.Block{
						{Type: rockstream.BlockToolResult, ToolUseID: "c1", Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "sunny"}}},
						{Type: rockstream.BlockToolResult, ToolUseID: "c2", Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "rain"}}}}},
				}}, StreamMode{}},
		{"tool_choice required", `{"model":"m","tool_choice":"required","tools":[{"type":"function","function":{"name":"w"}}],"messages":[{"role":"user","content":"hi"}]}`,
			&rockstream.Request{Model: "m", ToolChoice: &rockstream.ToolChoice{Type: "any"},
				Tools:    []rockstream.Tool{{Name: "w", InputSchema: json.RawMessage(`{"type":"object","properties":{}}`)}},
				Messages: []rockstream.Message{rockstream.UserText("hi")}}, StreamMode{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, mode, err := FromChatRequest([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if mode != tt.mode {
				t.Errorf("mode %+v, want %+v", mode, tt.mode)
			}
		})
	}
}

func TestFromChatRequestInvalid(t *testing.T) {
	tests := []struct {
		name, body, param, code string
	}{
		{"not json", `{"model":`, "", ""},
		{"trailing data", `{"model":"m","messages":[{"role":"user","content":"hi"}]} {}`, "", ""},
		{"wrong type", `{"model":"m","messages":"hi"}`, "messages", "invalid_type"},
		{"no model", `{"messages":[{"role":"user","content":"hi"}]}`, "model", "missing_required_parameter"},
		{"no messages", `{"model":"m"}`, "messages", "missing_required_parameter"},
		{"empty messages", `{"model":"m","messages":[]}`, "messages", "empty_array"},
		{"empty content parts", `{"model":"m","messages":[{"role":"user","content":[]}]}`, "messages[0].content", "empty_array"},
		{"only system", `{"model":"m","messages":[{"role":"system","content":"x"}]}`, "messages", "invalid_value"},
		{"bad role", `{"model":"m","messages":[{"role":"robot","content":"hi"}]}`, "messages[0].role", "invalid_value"},
		{"tool without id", `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","content":"x"}]}`, "messages[1].tool_call_id", "missing_required_parameter"},
		{"bad arguments", `{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{"}}]}]}`, "messages[0].tool_calls[0].function.arguments", "invalid_value"},
		{"remote image", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}`, "messages[0].content[0].image_url.url", "invalid_image_url"},
		{"audio part", `{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}`, "messages[0].content[0].type", "invalid_value"},
		{"temperature", `{"model":"m","temperature":3,"messages":[{"role":"user","content":"hi"}]}`, "temperature", "decimal_out_of_range"},
		{"top_p", `{"model":"m","top_p":-1,"messages":[{"role":"user","content":"hi"}]}`, "top_p", "decimal_out_of_range"},
		{"max_tokens", `{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens", "integer_below_min_value"},
		{"max_tokens 2^31", `{"model":"m","max_tokens":2147483648,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens", "integer_above_max_value"},
		{"max_completion_tokens 10^12", `{"model":"m","max_completion_tokens":1000000000000,"messages":[{"role":"user","content":"hi"}]}`, "max_completion_tokens", "integer_above_max_value"},
		{"max_tokens beyond int64", `{"model":"m","max_tokens":99999999999999999999,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens", "invalid_type"},
		{"frequency_penalty high", `{"model":"m","frequency_penalty":2.5,"messages":[{"role":"user","content":"hi"}]}`, "frequency_penalty", "decimal_out_of_range"},
		{"frequency_penalty low", `{"model":"m","frequency_penalty":-3,"messages":[{"role":"user","content":"hi"}]}`, "frequency_penalty", "decimal_out_of_range"},
		{"presence_penalty", `{"model":"m","presence_penalty":1e9,"messages":[{"role":"user","content":"hi"}]}`, "presence_penalty", "decimal_out_of_range"},
		{"penalty not a number", `{"model":"m","presence_penalty":"high","messages":[{"role":"user","content":"hi"}]}`, "presence_penalty", "invalid_type"},
		{"n", `{"model":"m","n":2,"messages":[{"role":"user","content":"hi"}]}`, "n", "invalid_value"},
		{"stop type", `{"model":"m","stop":5,"messages":[{"role":"user","content":"hi"}]}`, "stop", "invalid_type"},
		{"stream_options without stream", `{"model":"m","stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`, "stream_options", "invalid_value"},
		{"tool type", `{"model":"m","tools":[{"type":"web"}],"messages":[{"role":"user","content":"hi"}]}`, "tools[0].type", "invalid_value"},
		{"tool_choice", `{"model":"m","tool_choice":"always","messages":[{"role":"user","content":"hi"}]}`, "tool_choice", "invalid_value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := FromChatRequest([]byte(tt.body))
			var re *rockstream.Error
			if !errors.As(err, &re) || re.Class != rockstream.ClassValidation {
				t.Fatalf("err %v, want a validation error", err)
			}
			status, body := ErrorResponse(re)
			if status != 400 {
				t.Errorf("status %d, want 400", status)
			}
			var eb ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil {
				t.Fatal(err)
			}
			if eb.Error.Type != "invalid_request_error" || eb.Error.Message == "" {
				t.Errorf("error %+v", eb.Error)
			}
			if got := deref(eb.Error.Param); got != tt.param {
				t.Errorf("param %q, want %q", got, tt.param)
			}
			if got := deref(eb.Error.Code); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestErrorResponse(t *testing.T) {
	tests := []struct {
		err    *rockstream.Error
		status int
		typ    string
	}{
		{rockstream.BedrockError("ThrottlingException", "slow down"), 429, "rate_limit_error"},
		{rockstream.BedrockError("ResourceNotFoundException", "no model"), 404, "invalid_request_error"},
		{rockstream.BedrockError("ServiceUnavailableException", "busy"), 503, "server_error"},
		{rockstream.BedrockError("AccessDeniedException", "no access"), 403, "permission_error"},
		{rockstream.BedrockError("ModelTimeoutException", "slow"), 408, "server_error"},
		{rockstream.BedrockError("InternalServerException", "oops"), 500, "server_error"},
		{&rockstream.Error{Class: rockstream.ClassAuth, StatusCode: 401, Message: "bad key"}, 401, "authentication_error"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Code+string(tt.err.Class), func(t *testing.T) {
			status, body := ErrorResponse(tt.err)
			var eb ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil {
				t.Fatal(err)
			}
			if status != tt.status || eb.Error.Type != tt.typ || eb.Error.Message != tt.err.Message {
				t.Errorf("got %d %+v, want %d %s", status, eb.Error, tt.status, tt.typ)
			}
			// The openai backend reads the same body back to the same class.
			if back := ErrorFromObject(eb.Error, status); back.Class != tt.err.Class {
				t.Errorf("read back as %s, want %s", back.Class, tt.err.Class)
			}
		})
	}
}

func TestToChatRequestRoundTrip(t *testing.T) {
	bodies := []string{
		`{"model":"m","max_tokens":7,"temperature":0.2,"stop":["x"],"messages":[{"role":"system","content":"sys"},{"role":"user","content":"hi"}]}`,
		`{"model":"m","tool_choice":"required","tools":[{"type":"function","function":{"name":"w","parameters":{"type":"object"}}}],
		  "messages":[{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,aGk="}}]},
		  {"role":"assistant","content":"sure","tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{\"a\":1}"}}]},
		  {"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"user","content":"thanks"}]}`,
	}
	for _, body := range bodies {
		want, _, err := FromChatRequest([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		cr, err := ToChatRequest(want, true)
		if err != nil {
			t.Fatal(err)
		}
		if cr.StreamOptions == nil || !cr.StreamOptions.IncludeUsage {
			t.Error("stream does not ask for usage")
		}
		b, err := json.Marshal(cr)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := FromChatRequest(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip\ngot  %+v\nwant %+v\nvia %s", got, want, b)
		}
	}
}

func FuzzFromChatRequest(f *testing.F) {
	f.Add([]byte(optionsBody))
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
	f.Add([]byte(`{"model":"m","stream":true,"stream_options":{"include_usage":true},"stop":["a"],"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"x"}]},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}]}`))
	f.Add([]byte(`{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}},"messages":[{"role":"user","content":"hi"}]}`))
	f.Add([]byte(`{"model":"m","max_tokens":2147483648,"frequency_penalty":-2,"presence_penalty":2,"messages":[{"role":"user","content":"hi"}]}`))
	f.Add([]byte(`{"model":"m","max_completion_tokens":1000000000000,"presence_penalty":2.0001,"messages":[{"role":"user","content":"hi"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _, err := FromChatRequest(body)
		if err != nil {
			var re *rockstream.Error
			if !errors.As(err, &re) || re.Class != rockstream.ClassValidation {
				t.Fatalf("error is not a validation error: %v", err)
			}
			return
		}
		if req.Model == "" || len(req.Messages) == 0 {
			t.Fatalf("accepted a request without model or messages: %s", body)
		}
		for _, m := range req.Messages {
			for _, b := range m.Content {
				if b.Type == rockstream.BlockToolUse && !json.Valid(b.Input) {
					t.Fatalf("tool input is not JSON: %q", b.Input)
				}
			}
		}
		// What was accepted converts back and is accepted again.
		cr, err := ToChatRequest(req, false)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(cr)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := FromChatRequest(b); err != nil {
			t.Fatalf("re-encoded request rejected: %v\n%s", err, b)
		}
	})
}

func TestFromChatRequestBoundsAccepted(t *testing.T) {
	body := `{"model":"m","max_tokens":1000000,"frequency_penalty":-2,"presence_penalty":2,"messages":[{"role":"user","content":"hi"}]}`
	req, _, err := FromChatRequest([]byte(body))
	if err != nil || req.MaxTokens != MaxTokensLimit {
		t.Errorf("bounds themselves: %v, %+v", err, req)
	}
}
