package llama

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

func ptr[T any](v T) *T { return &v }

func assistant(text string) rockstream.Message {
	return rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: text}}}
}

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"stop", "length"} {
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

func TestStreamEndsEarly(t *testing.T) { codectest.CheckEarlyEnd(t, Codec{}, "testdata/stop.chunks") }

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"generation":"a"`, `[]`, `{}`, `{"generation":1}`, `{"outputText":"hi"}`)
}

func TestEncodeRequestGolden(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n0000")
	for name, req := range map[string]*rockstream.Request{
		"llama3": {Model: "us.meta.llama3-3-70b-instruct-v1:0", System: []string{"You are terse."},
			Messages:  []rockstream.Message{rockstream.UserText("Hi"), assistant("Hello!"), rockstream.UserText("Bye")},
			MaxTokens: 512, Temperature: ptr(0.5), TopP: ptr(0.9)},
		"llama4": {Model: "meta.llama4-scout-17b-instruct-v1:0", Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
			{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: png}}, {Type: rockstream.BlockText, Text: "What is this?"}}}}},
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
	png := []byte("\x89PNG\r\n\x1a\n0000")
	for name, req := range map[string]*rockstream.Request{
		"single":  {Model: "meta.llama3-8b-instruct-v1:0", Messages: []rockstream.Message{rockstream.UserText("What is 2+2?")}},
		"system":  {Model: "meta.llama3-8b-instruct-v1:0", System: []string{"Be terse."}, Messages: []rockstream.Message{rockstream.UserText("Hi\n\nthere")}, MaxTokens: 100},
		"prefill": {Model: "meta.llama3-8b-instruct-v1:0", Messages: []rockstream.Message{rockstream.UserText("Count"), assistant("1, 2,")}, Temperature: ptr(0.0)},
		"llama4":  {Model: "meta.llama4-maverick-17b-instruct-v1:0", Messages: []rockstream.Message{rockstream.UserText("a"), assistant("b"), rockstream.UserText("c")}, TopP: ptr(1.0)},
		"images": {Model: "meta.llama3-2-11b-instruct-v1:0", Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
			{Type: rockstream.BlockText, Text: "Compare "},
			{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: png}},
			{Type: rockstream.BlockText, Text: " and "},
			{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: png}},
		}}}},
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

func TestDecodeRequestFallsBackToOnePrompt(t *testing.T) {
	for name, body := range map[string]string{
		"plain":      `{"prompt":"Write a haiku."}`,
		"tool turn":  `{"prompt":"<|begin_of_text|><|start_header_id|>ipython<|end_header_id|>\n\n{}<|eot_id|>"}`,
		"no images":  `{"prompt":"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n<|image|>hi<|eot_id|>"}`,
		"cut header": `{"prompt":"<|begin_of_text|><|start_header_id|>user"}`,
	} {
		t.Run(name, func(t *testing.T) {
			req, err := Codec{}.DecodeRequest("meta.llama3-8b-instruct-v1:0", []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(req.Messages) != 1 || req.Messages[0].Role != rockstream.RoleUser || !bytes.Contains([]byte(body), []byte(req.Messages[0].Content[0].Text[:4])) {
				t.Errorf("messages = %#v", req.Messages)
			}
		})
	}
}

func TestEncodeRequestRejects(t *testing.T) {
	for name, req := range map[string]*rockstream.Request{
		"tools":     {Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}},
		"tool_use":  {Messages: []rockstream.Message{{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockToolUse, Name: "f"}}}}},
		"stop":      {Messages: []rockstream.Message{rockstream.UserText("hi")}, StopSequences: []string{"x"}},
		"thinking":  {Messages: []rockstream.Message{rockstream.UserText("hi")}, Thinking: &rockstream.Thinking{BudgetTokens: 10}},
		"bot image": {Messages: []rockstream.Message{{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockImage, Image: &rockstream.Image{}}}}}},
		"empty":     {},
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
	codectest.CheckValidation(t, Codec{}, "meta.llama3-8b-instruct-v1:0", map[string][2]string{
		"ok":         {`{"prompt":"hi","temperature":0.5,"top_p":0.9,"max_gen_len":512,"images":[]}`, ""},
		"missing":    {`{"temperature":0.5}`, "Malformed input request: #: required key [prompt] not found, please reformat your input and try again."},
		"extraneous": {`{"prompt":"hi","max_tokens":10}`, "Malformed input request: #: extraneous key [max_tokens] is not permitted, please reformat your input and try again."},
		"range":      {`{"prompt":"hi","max_gen_len":0}`, "Malformed input request: #/max_gen_len: 0 is not greater or equal to 1, please reformat your input and try again."},
		"too long":   {`{"prompt":"hi","max_gen_len":4096}`, "Malformed input request: #/max_gen_len: 4096 is not less or equal to 2048, please reformat your input and try again."},
		"type":       {`{"prompt":"hi","top_p":"high"}`, "Malformed input request: #/top_p: expected type: Number, found: String, please reformat your input and try again."},
		"base64":     {`{"prompt":"hi","images":["%%%"]}`, "Malformed input request: #/images/0: is not valid base64, please reformat your input and try again."},
		"two":        {`{"prompt":1,"max_gen_len":-1}`, "Malformed input request: 2 schema violations found, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	resp := &rockstream.Response{Message: assistant("Four."), StopReason: rockstream.StopMaxTokens, Usage: rockstream.Usage{InputTokens: 8, OutputTokens: 2}}
	body, err := Codec{}.EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"generation":"Four.","prompt_token_count":8,"generation_token_count":2,"stop_reason":"length"}`; string(body) != want {
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
	for _, s := range []string{`{"prompt":"hi"}`,
		`{"prompt":"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n<|image|>U<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n","images":["iVBORw0KGgo="]}`,
		`{"prompt":"<|begin_of_text|><|header_start|>user<|header_end|>\n\nU<|eot|><|header_start|>assistant<|header_end|>\n\nA","max_gen_len":9}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		codectest.FuzzRequest(t, Codec{}, "meta.llama3-8b-instruct-v1:0", body)
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"stop", "length"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(Codec{}, data) })
}
