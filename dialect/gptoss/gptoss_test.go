package gptoss

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

const model = "openai.gpt-oss-20b-1:0"

func ptr[T any](v T) *T { return &v }

func text(s string) rockstream.Block { return rockstream.Block{Type: rockstream.BlockText, Text: s} }

func assistant(blocks ...rockstream.Block) rockstream.Message {
	return rockstream.Message{Role: rockstream.RoleAssistant, Content: blocks}
}

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"text", "tool", "length"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckDecode(t, New(), "testdata/"+name+".chunks", "testdata/"+name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	for _, name := range []string{"answer", "tool"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckEncode(t, New(), "testdata/"+name+".events", "testdata/"+name+".chunks.golden")
		})
	}
}

// TestStreamRoundTrip decodes what the encoder wrote: reasoning goes out
// inside the text, between tags, and comes back as reasoning.
func TestStreamRoundTrip(t *testing.T) {
	chunks, err := codectest.Encode(New(), codectest.Events(t, "testdata/answer.events"))
	if err != nil {
		t.Fatal(err)
	}
	evs, done, err := codectest.Decode(New(), chunks)
	if err != nil || !done {
		t.Fatalf("done=%v err=%v", done, err)
	}
	var reasoning, answer string
	for _, ev := range evs {
		switch ev := ev.(type) {
		case rockstream.ReasoningDelta:
			reasoning += ev.Text
		case rockstream.TextDelta:
			answer += ev.Text
		}
	}
	if reasoning != "The user says hi. Reply briefly." || answer != "Hello! <b>How</b> can I help?" {
		t.Errorf("reasoning %q answer %q", reasoning, answer)
	}
}

func TestStreamEndsEarly(t *testing.T) {
	codectest.CheckEarlyEnd(t, New(), "testdata/text.chunks")
	codectest.CheckEarlyEnd(t, New(), "testdata/tool.chunks")
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, New(), `{"choices":[`, `[]`, `{}`, `{"choices":"x"}`, `{"generation":"hi"}`, `{"choices":[{"delta":{"content":3}}]}`)
}

func TestEncodeRequestGolden(t *testing.T) {
	req := &rockstream.Request{Model: model, System: []string{"Use tools."},
		Messages: []rockstream.Message{
			rockstream.UserText("Weather in Paris?"),
			assistant(rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "call_9d2e", Name: "get_weather", Input: json.RawMessage(`{"city":"Paris"}`)}),
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "call_9d2e", Content: []rockstream.Block{text("18C")}}}},
		},
		Tools:      []rockstream.Tool{{Name: "get_weather", Description: "Weather by city", InputSchema: json.RawMessage(`{"type":"object"}`)}},
		ToolChoice: &rockstream.ToolChoice{Type: "any"}, MaxTokens: 200, Temperature: ptr(0.5), TopP: ptr(0.9),
		StopSequences: []string{"\n\n"}, Options: rockstream.Options{Effort: "low"}}
	body, err := New().EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request.golden", append(body, '\n'))
}

func TestRequestRoundTrip(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"text": {System: []string{"Be nice."}, Messages: []rockstream.Message{rockstream.UserText("a"), assistant(text("b")), rockstream.UserText("c")},
			MaxTokens: 10, Temperature: ptr(1.5), TopP: ptr(0.5), StopSequences: []string{"x", "y"}},
		"tools": {Messages: []rockstream.Message{
			rockstream.UserText("Weather?"),
			assistant(text("Checking."), rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "id1", Name: "w", Input: json.RawMessage(`{"c":1}`)},
				rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "id2", Name: "w", Input: json.RawMessage(`{}`)}),
			{Role: rockstream.RoleUser, Content: []rockstream.Block{
				{Type: rockstream.BlockToolResult, ToolUseID: "id1", Content: []rockstream.Block{text("sun")}},
				{Type: rockstream.BlockToolResult, ToolUseID: "id2", Content: []rockstream.Block{text("rain")}}}},
		}, Tools: []rockstream.Tool{{Name: "w", Description: "weather", InputSchema: json.RawMessage(`{"type":"object"}`)}},
			ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "w"}, Options: rockstream.Options{Effort: "high"}},
	} {
		t.Run(name, func(t *testing.T) {
			req.Model = model
			body, err := New().EncodeRequest(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := New().DecodeRequest(model, body)
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if !reflect.DeepEqual(got, req) {
				t.Errorf("body %s\n got %#v\nwant %#v", body, got, req)
			}
		})
	}
}

func TestEncodeRequestRefuses(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"thinking":    {Messages: []rockstream.Message{rockstream.UserText("hi")}, Thinking: &rockstream.Thinking{BudgetTokens: 1024}},
		"top_k":       {Messages: []rockstream.Message{rockstream.UserText("hi")}, TopK: ptr(5)},
		"image":       {Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png"}}}}}},
		"effort":      {Messages: []rockstream.Message{rockstream.UserText("hi")}, Options: rockstream.Options{Effort: "max"}},
		"format":      {Messages: []rockstream.Message{rockstream.UserText("hi")}, Options: rockstream.Options{ResponseFormat: &rockstream.ResponseFormat{Type: "json_object"}}},
		"no messages": {},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New().EncodeRequest(req)
			if e, ok := err.(*rockstream.Error); !ok || e.Class != rockstream.ClassValidation {
				t.Errorf("err = %v, want a validation *rockstream.Error", err)
			}
		})
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	codectest.CheckValidation(t, New(), model, map[string][2]string{
		"ok":           {`{"model":"openai.gpt-oss-20b-1:0","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_completion_tokens":100,"reasoning_effort":"medium","stop":"x","stream":true}`, ""},
		"missing":      {`{"max_tokens":10}`, "Malformed input request: #: required key [messages] not found, please reformat your input and try again."},
		"extraneous":   {`{"messages":[{"role":"user","content":"hi"}],"top_k":10}`, "Malformed input request: #: extraneous key [top_k] is not permitted, please reformat your input and try again."},
		"effort":       {`{"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"max"}`, "Malformed input request: #/reasoning_effort: max is not a valid enum value, please reformat your input and try again."},
		"temperature":  {`{"messages":[{"role":"user","content":"hi"}],"temperature":3}`, "Malformed input request: #/temperature: 3 is not less or equal to 2, please reformat your input and try again."},
		"role":         {`{"messages":[{"role":"bot","content":"hi"}]}`, "Malformed input request: #/messages/0/role: bot is not a valid enum value, please reformat your input and try again."},
		"image part":   {`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}`, "Malformed input request: 3 schema violations found, please reformat your input and try again."},
		"only system":  {`{"messages":[{"role":"system","content":"s"}]}`, "Malformed input request: #/messages: expected at least one user or assistant message, found: 0, please reformat your input and try again."},
		"bad args":     {`{"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{"}}]}]}`, "Malformed input request: #/messages/0/tool_calls/0/function/arguments: is not valid JSON, please reformat your input and try again."},
		"tool no id":   {`{"messages":[{"role":"tool","content":"r"}]}`, "Malformed input request: #/messages/0: required key [tool_call_id] not found, please reformat your input and try again."},
		"tool choice":  {`{"messages":[{"role":"user","content":"hi"}],"tool_choice":"any"}`, "Malformed input request: #/tool_choice: any is not a valid enum value, please reformat your input and try again."},
		"message type": {`{"messages":["hi"]}`, "Malformed input request: #/messages/0: expected type: JSONObject, found: String, please reformat your input and try again."},
		"not object":   {`[1]`, "Malformed input request: #: expected type: JSONObject, found: JSONArray, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	for name, tc := range map[string]struct {
		resp *rockstream.Response
		want string
	}{
		"reasoning": {&rockstream.Response{ID: "chatcmpl-1", Model: model, StopReason: rockstream.StopEndTurn,
			Message: assistant(rockstream.Block{Type: rockstream.BlockThinking, Text: "Think."}, text("Four.")),
			Usage:   rockstream.Usage{InputTokens: 9, OutputTokens: 5}},
			`{"id":"chatcmpl-1","object":"chat.completion","model":"openai.gpt-oss-20b-1:0","choices":[{"index":0,"message":{"role":"assistant","content":"<reasoning>Think.</reasoning>Four."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}`},
		"tool": {&rockstream.Response{StopReason: rockstream.StopToolUse,
			Message: assistant(rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: "a", Name: "f", Input: json.RawMessage(`{"x":1}`)})},
			`{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`},
		"length": {&rockstream.Response{StopReason: rockstream.StopMaxTokens, Message: assistant(text("Once"))},
			`{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Once"},"finish_reason":"length"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`},
	} {
		t.Run(name, func(t *testing.T) {
			body, err := New().EncodeResponse(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tc.want {
				t.Errorf("body = %s\nwant %s", body, tc.want)
			}
			got, err := New().DecodeResponse(body)
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
	for _, s := range []string{`{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":5,"reasoning_effort":"low"}`,
		`{"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"u"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"i","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"i","content":"r"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"tool_choice":{"type":"function","function":{"name":"f"}},"stop":["a"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { codectest.FuzzRequest(t, New(), model, body) })
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"text", "tool"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(New(), data) })
}
