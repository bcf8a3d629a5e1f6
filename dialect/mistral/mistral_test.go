package mistral

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

func ptr[T any](v T) *T { return &v }

func assistant(blocks ...rockstream.Block) rockstream.Message {
	return rockstream.Message{Role: rockstream.RoleAssistant, Content: blocks}
}

func text(s string) rockstream.Block { return rockstream.Block{Type: rockstream.BlockText, Text: s} }

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"text", "chat_tool", "chat_length"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckDecode(t, Codec{}, "testdata/"+name+".chunks", "testdata/"+name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	for _, tc := range []struct {
		events, golden string
		codec          Codec
	}{
		{"answer", "answer_text", Codec{}},
		{"answer", "answer_chat", Codec{Chat: true}},
		{"tool", "tool_chat", Codec{Chat: true}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			codectest.CheckEncode(t, tc.codec, "testdata/"+tc.events+".events", "testdata/"+tc.golden+".chunks.golden")
		})
	}
}

func TestTextStreamRejectsTools(t *testing.T) {
	_, err := codectest.Encode(Codec{}, codectest.Events(t, "testdata/tool.events"))
	if e, ok := err.(*rockstream.Error); !ok || e.Class != rockstream.ClassValidation {
		t.Errorf("err = %v, want a validation error", err)
	}
}

func TestStreamEndsEarly(t *testing.T) {
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/text.chunks")
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/chat_tool.chunks")
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"outputs":[`, `[]`, `{}`, `{"outputs":[]}`, `{"outputs":"x"}`, `{"generation":"hi"}`)
}

func TestEncodeRequestGolden(t *testing.T) {
	tools := &rockstream.Request{Model: "mistral.mistral-large-2407-v1:0", System: []string{"Use tools."},
		Messages: []rockstream.Message{
			rockstream.UserText("Weather in Paris?"),
			assistant(rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "Xa1b2c3d4", Name: "get_weather", Input: json.RawMessage(`{"city":"Paris"}`)}),
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "Xa1b2c3d4", Content: []rockstream.Block{text("18C")}}}},
		},
		Tools:      []rockstream.Tool{{Name: "get_weather", Description: "Weather by city", InputSchema: json.RawMessage(`{"type":"object"}`)}},
		ToolChoice: &rockstream.ToolChoice{Type: "auto"}, MaxTokens: 200}
	for name, req := range map[string]*rockstream.Request{
		"text": {Model: "mistral.mistral-7b-instruct-v0:2", System: []string{"Be brief."},
			Messages:  []rockstream.Message{rockstream.UserText("Hi"), assistant(text(" Hello!")), rockstream.UserText("Bye")},
			MaxTokens: 100, StopSequences: []string{"\n\n"}, Temperature: ptr(0.7), TopP: ptr(0.9), TopK: ptr(50)},
		"tools": tools,
	} {
		t.Run(name, func(t *testing.T) {
			body, err := Codec{}.EncodeRequest(req)
			if err != nil {
				t.Fatal(err)
			}
			codectest.Golden(t, "testdata/request_"+name+".golden", append(body, '\n'))
		})
	}
}

func TestRequestRoundTrip(t *testing.T) {
	for name, tc := range map[string]struct {
		codec Codec
		req   *rockstream.Request
	}{
		"text":    {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("What is 2+2?")}, MaxTokens: 10, TopK: ptr(5)}},
		"turns":   {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("a"), assistant(text(" b")), rockstream.UserText("c")}, StopSequences: []string{"x"}}},
		"prefill": {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("Count"), assistant(text(" 1, 2,"))}}},
		"chat": {Codec{Chat: true}, &rockstream.Request{System: []string{"Be nice."}, Messages: []rockstream.Message{rockstream.UserText("a"), assistant(text("b")), rockstream.UserText("c")},
			Temperature: ptr(0.1), TopP: ptr(0.5)}},
		"tools": {Codec{}, &rockstream.Request{
			Messages: []rockstream.Message{
				rockstream.UserText("Weather?"),
				assistant(text("Checking."), rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "id1", Name: "w", Input: json.RawMessage(`{"c":1}`)},
					rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "id2", Name: "w", Input: json.RawMessage(`{}`)}),
				{Role: rockstream.RoleUser, Content: []rockstream.Block{
					{Type: rockstream.BlockToolResult, ToolUseID: "id1", Content: []rockstream.Block{text("sun")}},
					{Type: rockstream.BlockToolResult, ToolUseID: "id2", Content: []rockstream.Block{text("rain")}}}},
			},
			Tools: []rockstream.Tool{{Name: "w", Description: "weather", InputSchema: json.RawMessage(`{"type":"object"}`)}}, ToolChoice: &rockstream.ToolChoice{Type: "any"}}},
	} {
		t.Run(name, func(t *testing.T) {
			tc.req.Model = "mistral.mistral-large-2407-v1:0"
			body, err := tc.codec.EncodeRequest(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if IsChat(body) != (tc.codec.Chat || name == "tools") {
				t.Errorf("IsChat(%s) = %v", body, IsChat(body))
			}
			got, err := Codec{}.DecodeRequest(tc.req.Model, body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.req) {
				t.Errorf("round trip of %s:\n got %#v\nwant %#v", body, got, tc.req)
			}
		})
	}
}

func TestEncodeRequestRejects(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"image":       {Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockImage, Image: &rockstream.Image{}}}}}},
		"thinking":    {Messages: []rockstream.Message{assistant(rockstream.Block{Type: rockstream.BlockThinking, Text: "hm"})}},
		"named tool":  {Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}, ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "f"}},
		"tools+stop":  {Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}, StopSequences: []string{"x"}},
		"no messages": {},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Codec{}.EncodeRequest(req)
			if e, ok := err.(*rockstream.Error); !ok || e.Class != rockstream.ClassValidation {
				t.Errorf("err = %v, want a validation *rockstream.Error", err)
			}
		})
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	codectest.CheckValidation(t, Codec{}, "mistral.mistral-large-2407-v1:0", map[string][2]string{
		"text ok":      {`{"prompt":"<s>[INST] hi [/INST]","max_tokens":10,"stop":["a"],"temperature":0,"top_p":1,"top_k":5}`, ""},
		"chat ok":      {`{"messages":[{"role":"user","content":"hi"}],"tool_choice":"auto","max_tokens":5}`, ""},
		"missing":      {`{"max_tokens":10}`, "Malformed input request: #: required key [prompt] not found, please reformat your input and try again."},
		"extraneous":   {`{"prompt":"hi","max_gen_len":10}`, "Malformed input request: #: extraneous key [max_gen_len] is not permitted, please reformat your input and try again."},
		"top_k":        {`{"prompt":"hi","top_k":0}`, "Malformed input request: #/top_k: 0 is not greater or equal to 1, please reformat your input and try again."},
		"stop count":   {`{"prompt":"hi","stop":["1","2","3","4","5","6","7","8","9","10","11"]}`, "Malformed input request: #/stop: expected maximum item count: 10, found: 11, please reformat your input and try again."},
		"chat role":    {`{"messages":[{"role":"bot","content":"hi"}]}`, "Malformed input request: #/messages/0/role: bot is not a valid enum value, please reformat your input and try again."},
		"chat extra":   {`{"messages":[{"role":"user","content":"hi","name":"x"}]}`, "Malformed input request: #/messages/0: extraneous key [name] is not permitted, please reformat your input and try again."},
		"chat prompt":  {`{"messages":[{"role":"user","content":"hi"}],"prompt":"x"}`, "Malformed input request: #: extraneous key [prompt] is not permitted, please reformat your input and try again."},
		"chat empty":   {`{"messages":[]}`, "Malformed input request: #/messages: expected minimum item count: 1, found: 0, please reformat your input and try again."},
		"bad args":     {`{"messages":[{"role":"assistant","content":"","tool_calls":[{"id":"a","function":{"name":"f","arguments":"{"}}]}]}`, "Malformed input request: #/messages/0/tool_calls/0/function/arguments: is not valid JSON, please reformat your input and try again."},
		"message type": {`{"messages":["hi"]}`, "Malformed input request: #/messages/0: expected type: JSONObject, found: String, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	for name, tc := range map[string]struct {
		codec Codec
		resp  *rockstream.Response
		want  string
	}{
		"text": {Codec{}, &rockstream.Response{Message: assistant(text("Four.")), StopReason: rockstream.StopMaxTokens},
			`{"outputs":[{"text":"Four.","stop_reason":"length"}]}`},
		"chat": {Codec{Chat: true}, &rockstream.Response{Message: assistant(text("Four.")), StopReason: rockstream.StopEndTurn},
			`{"choices":[{"index":0,"message":{"role":"assistant","content":"Four."},"stop_reason":"stop"}]}`},
		"tool": {Codec{}, &rockstream.Response{Message: assistant(rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "a", Name: "f", Input: json.RawMessage(`{"x":1}`)}), StopReason: rockstream.StopToolUse},
			`{"choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"a","function":{"name":"f","arguments":"{\"x\":1}"}}]},"stop_reason":"tool_calls"}]}`},
	} {
		t.Run(name, func(t *testing.T) {
			body, err := tc.codec.EncodeResponse(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tc.want {
				t.Errorf("body = %s\nwant %s", body, tc.want)
			}
			got, err := Codec{}.DecodeResponse(body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.resp) {
				t.Errorf("got %#v\nwant %#v", got, tc.resp)
			}
		})
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{`{"prompt":"<s>[INST] a [/INST] b</s>[INST] c [/INST]"}`, `{"prompt":"hi","stop":["x"]}`,
		`{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"","tool_calls":[{"id":"i","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"i","content":"r"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		codectest.FuzzRequest(t, Codec{Chat: IsChat(body)}, "mistral.mistral-large-2407-v1:0", body)
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"text", "chat_tool"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(Codec{}, data) })
}
