package qwen

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

const model = "qwen.qwen3-32b-v1:0"

func TestStreamDecodeGolden(t *testing.T) {
	codectest.CheckDecode(t, New(), "testdata/text.chunks", "testdata/text.golden")
}

func TestStreamEncodeGolden(t *testing.T) {
	for _, name := range []string{"answer", "tool"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckEncode(t, New(), "testdata/"+name+".events", "testdata/"+name+".chunks.golden")
		})
	}
}

func TestStreamEndsEarly(t *testing.T) { codectest.CheckEarlyEnd(t, New(), "testdata/text.chunks") }

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, New(), `{"choices":[`, `[]`, `{}`, `{"outputs":[]}`)
}

func TestRequestRoundTrip(t *testing.T) {
	t2 := 0.7
	req := &rockstream.Request{Model: model, System: []string{"Be nice."},
		Messages: []rockstream.Message{rockstream.UserText("a"),
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockToolUse, ToolUseID: "c1", Name: "f", Input: json.RawMessage(`{}`)}}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "c1", Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "r"}}}}}},
		Tools: []rockstream.Tool{{Name: "f"}}, ToolChoice: &rockstream.ToolChoice{Type: "auto"}, MaxTokens: 100, Temperature: &t2}
	body, err := New().EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request.golden", append(body, '\n'))
	got, err := New().DecodeRequest(model, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("got %#v\nwant %#v", got, req)
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	codectest.CheckValidation(t, New(), model, map[string][2]string{
		"ok":     {`{"messages":[{"role":"user","content":"hi"}],"max_tokens":10,"top_p":1}`, ""},
		"effort": {`{"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"low"}`, "Malformed input request: #: extraneous key [reasoning_effort] is not permitted, please reformat your input and try again."},
		"max":    {`{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}`, "Malformed input request: #/max_tokens: 0 is not greater or equal to 1, please reformat your input and try again."},
	})
}

func TestResponseReasoningField(t *testing.T) {
	resp := &rockstream.Response{StopReason: rockstream.StopEndTurn, Message: rockstream.Message{Role: rockstream.RoleAssistant,
		Content: []rockstream.Block{{Type: rockstream.BlockThinking, Text: "Think."}, {Type: rockstream.BlockText, Text: "Four."}}}}
	body, err := New().EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Four.","reasoning_content":"Think."},"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`
	if string(body) != want {
		t.Errorf("body = %s\nwant %s", body, want)
	}
	got, err := New().DecodeResponse(body)
	if err != nil || !reflect.DeepEqual(got, resp) {
		t.Errorf("got %#v %v", got, err)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"id":"i","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"i","content":"r"}],"tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) { codectest.FuzzRequest(t, New(), model, body) })
}

func FuzzStreamDecoder(f *testing.F) {
	f.Add(bytes.Join(codectest.Lines(f, "testdata/text.chunks"), []byte("\n")))
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(New(), data) })
}
