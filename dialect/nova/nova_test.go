package nova

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

func ptr[T any](v T) *T { return &v }

func text(s string) rockstream.Block { return rockstream.Block{Type: rockstream.BlockText, Text: s} }

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"text", "tool"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckDecode(t, Codec{}, "testdata/"+name+".chunks", "testdata/"+name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	for _, name := range []string{"answer", "tool"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckEncode(t, Codec{}, "testdata/"+name+".events", "testdata/"+name+".chunks.golden")
		})
	}
}

func TestStreamEndsEarly(t *testing.T) {
	chunks := codectest.Lines(t, "testdata/text.chunks")
	if _, done, err := codectest.Decode(Codec{}, chunks[:len(chunks)-2]); err != nil || done {
		t.Errorf("stream without messageStop: done=%v err=%v", done, err)
	}
	if _, _, err := codectest.Decode(Codec{}, append(chunks, chunks[1])); err == nil {
		t.Error("a chunk after metadata decoded without error")
	}
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"messageStart":`, `[]`, `{}`, `{"contentBlockDelta":{"delta":{},"contentBlockIndex":0}}`,
		`{"contentBlockStart":{"start":{},"contentBlockIndex":0}}`, `{"outputText":"hi"}`)
}

func sampleRequest() *rockstream.Request {
	return &rockstream.Request{
		Model:  "us.amazon.nova-pro-v1:0",
		System: []string{"Use tools."},
		Messages: []rockstream.Message{
			{Role: rockstream.RoleUser, Content: []rockstream.Block{text("What is this, and the weather?"),
				{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: []byte("\x89PNG")}}}},
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockThinking, Text: "hm", Signature: "s"},
				{Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "weather", Input: json.RawMessage(`{"city":"Paris"}`)}}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "t1", IsError: true, Content: []rockstream.Block{text("down")}}}},
		},
		MaxTokens: 300, Temperature: ptr(0.2), TopP: ptr(0.9), TopK: ptr(20), StopSequences: []string{"END"},
		Tools:      []rockstream.Tool{{Name: "weather", Description: "by city", InputSchema: json.RawMessage(`{"type":"object"}`)}},
		ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "weather"},
	}
}

func TestEncodeRequestGolden(t *testing.T) {
	body, err := Codec{}.EncodeRequest(sampleRequest())
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request.golden", append(body, '\n'))
}

func TestRequestRoundTrip(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"full":   sampleRequest(),
		"simple": {Model: "amazon.nova-micro-v1:0", Messages: []rockstream.Message{rockstream.UserText("hi")}},
		"auto":   {Model: "amazon.nova-micro-v1:0", Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f", InputSchema: json.RawMessage(`{}`)}}, ToolChoice: &rockstream.ToolChoice{Type: "any"}},
	} {
		t.Run(name, func(t *testing.T) {
			body, err := Codec{}.EncodeRequest(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Codec{}.DecodeRequest(req.Model, body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, req) {
				t.Errorf("round trip of %s:\n got %#v\nwant %#v", body, got, req)
			}
		})
	}
}

func TestEncodeRequestRejects(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"thinking": {Messages: []rockstream.Message{rockstream.UserText("hi")}, Thinking: &rockstream.Thinking{BudgetTokens: 100}},
		"redacted": {Messages: []rockstream.Message{{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockRedactedThinking, Data: "x"}}}}},
		"choice":   {Messages: []rockstream.Message{rockstream.UserText("hi")}, ToolChoice: &rockstream.ToolChoice{Type: "auto"}},
		"empty":    {},
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
	codectest.CheckValidation(t, Codec{}, "amazon.nova-lite-v1:0", map[string][2]string{
		"ok":          {`{"schemaVersion":"messages-v1","messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"max_new_tokens":10,"topK":5}}`, ""},
		"anthropic":   {`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"max_tokens":10}`, "Malformed input request: #: extraneous key [max_tokens] is not permitted, please reformat your input and try again."},
		"missing":     {`{"schemaVersion":"messages-v1"}`, "Malformed input request: #: required key [messages] not found, please reformat your input and try again."},
		"version":     {`{"schemaVersion":"v2","messages":[{"role":"user","content":[{"text":"hi"}]}]}`, "Malformed input request: #/schemaVersion: v2 is not a valid enum value, please reformat your input and try again."},
		"two members": {`{"messages":[{"role":"user","content":[{"text":"hi","image":{"format":"png","source":{"bytes":""}}}]}]}`, "Malformed input request: #/messages/0/content/0: expected exactly one of [text, image, toolUse, toolResult, reasoningContent], found: 2, please reformat your input and try again."},
		"string body": {`{"messages":[{"role":"user","content":"hi"}]}`, "Malformed input request: #/messages/0/content: expected type: JSONArray, found: String, please reformat your input and try again."},
		"role":        {`{"messages":[{"role":"system","content":[{"text":"hi"}]}]}`, "Malformed input request: #/messages/0/role: system is not a valid enum value, please reformat your input and try again."},
		"topK":        {`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"topK":500}}`, "Malformed input request: #/inferenceConfig/topK: 500 is not less or equal to 128, please reformat your input and try again."},
		"format":      {`{"messages":[{"role":"user","content":[{"image":{"format":"bmp","source":{"bytes":""}}}]}]}`, "Malformed input request: #/messages/0/content/0/image/format: bmp is not a valid enum value, please reformat your input and try again."},
		"empty":       {`{"messages":[]}`, "Malformed input request: #/messages: expected minimum item count: 1, found: 0, please reformat your input and try again."},
	})
	if _, err := (Codec{}).DecodeRequest("m", []byte(`{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":"%%"}}}]}]}`)); err == nil {
		t.Error("bad base64 image accepted")
	}
}

func TestResponseRoundTrip(t *testing.T) {
	resp := &rockstream.Response{
		Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{text("Calling."),
			{Type: rockstream.BlockToolUse, ToolUseID: "t", Name: "f", Input: json.RawMessage(`{"a":1}`)}}},
		StopReason: rockstream.StopToolUse, Usage: rockstream.Usage{InputTokens: 9, OutputTokens: 4, CacheReadInputTokens: 2},
	}
	body, err := Codec{}.EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"output":{"message":{"role":"assistant","content":[{"text":"Calling."},{"toolUse":{"toolUseId":"t","name":"f","input":{"a":1}}}]}},"stopReason":"tool_use","usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13,"cacheReadInputTokenCount":2,"cacheWriteInputTokenCount":0}}`
	if string(body) != want {
		t.Errorf("body = %s\nwant %s", body, want)
	}
	got, err := Codec{}.DecodeResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, resp) {
		t.Errorf("got %#v\nwant %#v", got, resp)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`))
	if body, err := (Codec{}).EncodeRequest(sampleRequest()); err == nil {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) { codectest.FuzzRequest(t, Codec{}, "amazon.nova-lite-v1:0", body) })
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"text", "tool"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(Codec{}, data) })
}
