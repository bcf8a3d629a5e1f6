package titan

import (
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

func ptr[T any](v T) *T { return &v }

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"finish", "length", "filtered"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckDecode(t, Codec{}, "testdata/"+name+".chunks", "testdata/"+name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	for _, name := range []string{"answer", "nometadata"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckEncode(t, Codec{}, "testdata/"+name+".events", "testdata/"+name+".chunks.golden")
		})
	}
}

func TestStreamEndsEarly(t *testing.T) {
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/finish.chunks")
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"outputText":`, `[]`, `{}`, `{"outputText":7}`, `{"generation":"hi"}`)
}

func TestStreamAfterFinal(t *testing.T) {
	chunks := codectest.Lines(t, "testdata/length.chunks")
	if _, _, err := codectest.Decode(Codec{}, append(chunks, chunks[0])); err == nil {
		t.Error("a chunk after the final one decoded without error")
	}
}

func TestStreamRejectsToolEvents(t *testing.T) {
	_, err := Codec{}.NewStreamEncoder().Encode(nil, rockstream.ToolInputDelta{Index: 1, PartialJSON: "{}"})
	if e, ok := err.(*rockstream.Error); !ok || e.Class != rockstream.ClassValidation {
		t.Errorf("err = %v, want a validation error", err)
	}
}

func TestEncodeRequest(t *testing.T) {
	req := &rockstream.Request{
		Model:  "amazon.titan-text-premier-v1:0",
		System: []string{"Answer briefly."},
		Messages: []rockstream.Message{
			rockstream.UserText("Hi"),
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "Hello!"}}},
			rockstream.UserText("Tell me a story."),
		},
		MaxTokens: 512, Temperature: ptr(0.0), TopP: ptr(0.9), StopSequences: []string{"User:"},
	}
	body, err := Codec{}.EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request.golden", append(body, '\n'))
}

func TestRequestRoundTrip(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"single":  {Messages: []rockstream.Message{rockstream.UserText("What is 2+2?")}},
		"system":  {System: []string{"Be terse."}, Messages: []rockstream.Message{rockstream.UserText("Hi\nthere")}, MaxTokens: 100},
		"prefill": {Messages: []rockstream.Message{rockstream.UserText("Count"), {Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "1, 2,"}}}}, Temperature: ptr(0.5)},
		"multi": {Messages: []rockstream.Message{rockstream.UserText("a"), {Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "b"}}}, rockstream.UserText("c")},
			TopP: ptr(1.0), StopSequences: []string{"|"}},
	} {
		t.Run(name, func(t *testing.T) {
			req.Model = "amazon.titan-text-express-v1"
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

func TestDecodeRequestPlainPrompt(t *testing.T) {
	req, err := Codec{}.DecodeRequest("amazon.titan-text-lite-v1", []byte(`{"inputText":"Summarize: cats."}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []rockstream.Message{rockstream.UserText("Summarize: cats.")}
	if !reflect.DeepEqual(req.Messages, want) {
		t.Errorf("messages = %#v", req.Messages)
	}
}

func TestEncodeRequestRejects(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"tools":    {Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}},
		"tool_use": {Messages: []rockstream.Message{{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockToolUse, Name: "f"}}}}},
		"image":    {Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockImage, Image: &rockstream.Image{}}}}}},
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
	codectest.CheckValidation(t, Codec{}, "amazon.titan-text-express-v1", map[string][2]string{
		"ok":          {`{"inputText":"hi","textGenerationConfig":{"temperature":0.2,"topP":1,"maxTokenCount":100,"stopSequences":["User:"]}}`, ""},
		"missing":     {`{"textGenerationConfig":{}}`, "Malformed input request: #: required key [inputText] not found, please reformat your input and try again."},
		"extraneous":  {`{"inputText":"hi","max_tokens":10}`, "Malformed input request: #: extraneous key [max_tokens] is not permitted, please reformat your input and try again."},
		"nested":      {`{"inputText":"hi","textGenerationConfig":{"maxTokens":10}}`, "Malformed input request: #/textGenerationConfig: extraneous key [maxTokens] is not permitted, please reformat your input and try again."},
		"type":        {`{"inputText":5}`, "Malformed input request: #/inputText: expected type: String, found: Integer, please reformat your input and try again."},
		"range":       {`{"inputText":"hi","textGenerationConfig":{"temperature":1.5}}`, "Malformed input request: #/textGenerationConfig/temperature: 1.5 is not less or equal to 1, please reformat your input and try again."},
		"integer":     {`{"inputText":"hi","textGenerationConfig":{"maxTokenCount":1.5}}`, "Malformed input request: #/textGenerationConfig/maxTokenCount: expected type: Integer, found: Number, please reformat your input and try again."},
		"empty":       {`{"inputText":""}`, "Malformed input request: #: expected minLength: 1, actual: 0, please reformat your input and try again."},
		"two":         {`{"inputText":"hi","a":1,"b":2}`, "Malformed input request: 2 schema violations found, please reformat your input and try again."},
		"not object":  {`["hi"]`, "Malformed input request: #: expected type: JSONObject, found: JSONArray, please reformat your input and try again."},
		"not json":    {`{"inputText":`, "Malformed input request: #: request body is not valid JSON, please reformat your input and try again."},
		"stop string": {`{"inputText":"hi","textGenerationConfig":{"stopSequences":[1]}}`, "Malformed input request: #/textGenerationConfig/stopSequences/0: expected type: String, found: Integer, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	resp := &rockstream.Response{
		Message:    rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "Four."}}},
		StopReason: rockstream.StopMaxTokens,
		Usage:      rockstream.Usage{InputTokens: 8, OutputTokens: 2},
	}
	body, err := Codec{}.EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"inputTextTokenCount":8,"results":[{"tokenCount":2,"outputText":"Four.","completionReason":"LENGTH"}]}`
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
	if _, err := (Codec{}).DecodeResponse([]byte(`{"results":[]}`)); err == nil {
		t.Error("a response without results decoded")
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{`{"inputText":"User: hi\nBot:"}`, `{"inputText":"sys\n\nUser: a\nBot: b\nUser: c\nBot:","textGenerationConfig":{"maxTokenCount":5}}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		codectest.FuzzRequest(t, Codec{}, "amazon.titan-text-express-v1", body)
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"finish", "length"} {
		f.Add(joinLines(codectest.Lines(f, "testdata/"+name+".chunks")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(Codec{}, data) })
}

func joinLines(lines [][]byte) []byte {
	var out []byte
	for _, l := range lines {
		out = append(append(out, l...), '\n')
	}
	return out
}
