package deepseek

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

const r1 = "us.deepseek.r1-v1:0"

func ptr[T any](v T) *T { return &v }

func text(s string) rockstream.Block { return rockstream.Block{Type: rockstream.BlockText, Text: s} }

func TestStreamDecodeGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		codec Codec
	}{{"r1", Codec{}}, {"r1_length", Codec{}}, {"v3", Codec{Chat: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			codectest.CheckDecode(t, tc.codec, "testdata/"+tc.name+".chunks", "testdata/"+tc.name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	codectest.CheckEncode(t, Codec{}, "testdata/answer.events", "testdata/answer_r1.chunks.golden")
	codectest.CheckEncode(t, Codec{Chat: true}, "testdata/answer.events", "testdata/answer_v3.chunks.golden")
}

func TestStreamEndsEarly(t *testing.T) {
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/r1.chunks")
	codectest.CheckEarlyEnd(t, Codec{Chat: true}, "testdata/v3.chunks")
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"choices":[`, `[]`, `{}`, `{"choices":[]}`, `{"choices":"x"}`, `{"generation":"hi"}`)
	codectest.CheckMalformed(t, Codec{Chat: true}, `{"choices":[`, `{}`, `{"generation":"hi"}`)
}

func TestEncodeRequestGolden(t *testing.T) {
	req := &rockstream.Request{Model: r1, System: []string{"Be brief."},
		Messages:  []rockstream.Message{rockstream.UserText("Hi"), {Role: rockstream.RoleAssistant, Content: []rockstream.Block{text("Hello!")}}, rockstream.UserText("2+2?")},
		MaxTokens: 512, Temperature: ptr(0.6), TopP: ptr(0.9), StopSequences: []string{"\n\nUser"}}
	body, err := Codec{}.EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request_r1.golden", append(body, '\n'))
	got, err := Codec{}.DecodeRequest(r1, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("got %#v\nwant %#v", got, req)
	}
	req.Model = "deepseek.v3-v1:0"
	body, err = Codec{Chat: true}.EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	codectest.Golden(t, "testdata/request_v3.golden", append(body, '\n'))
	if got, err := (Codec{}).DecodeRequest(req.Model, body); err != nil || !reflect.DeepEqual(got, req) {
		t.Errorf("chat form: got %#v %v", got, err)
	}
}

func TestDecodeRequestRawPrompt(t *testing.T) {
	for prompt, want := range map[string][]rockstream.Message{
		"Describe a hello world program.":                       {rockstream.UserText("Describe a hello world program.")},
		"<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜><think>\n": {rockstream.UserText("Hi")},
		"<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>Sure,":     {rockstream.UserText("Hi"), {Role: rockstream.RoleAssistant, Content: []rockstream.Block{text("Sure,")}}},
	} {
		body, _ := json.Marshal(map[string]string{"prompt": prompt})
		got, err := Codec{}.DecodeRequest(r1, body)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Messages, want) {
			t.Errorf("prompt %q: messages %#v", prompt, got.Messages)
		}
	}
}

func TestEncodeRequestRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		codec Codec
		req   *rockstream.Request
	}{
		"r1 tools":    {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}}},
		"r1 thinking": {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("hi")}, Thinking: &rockstream.Thinking{BudgetTokens: 1024}}},
		"r1 top_k":    {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("hi")}, TopK: ptr(3)}},
		"v3 effort":   {Codec{Chat: true}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("hi")}, Options: rockstream.Options{Effort: "low"}}},
		"no messages": {Codec{}, &rockstream.Request{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.codec.EncodeRequest(tc.req)
			if e, ok := err.(*rockstream.Error); !ok || e.Class != rockstream.ClassValidation {
				t.Errorf("err = %v, want a validation *rockstream.Error", err)
			}
		})
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	codectest.CheckValidation(t, Codec{}, r1, map[string][2]string{
		"ok":          {`{"prompt":"hi","max_tokens":32768,"temperature":1,"top_p":0.5,"stop":["a"]}`, ""},
		"chat ok":     {`{"messages":[{"role":"user","content":"hi"}],"max_tokens":10}`, ""},
		"missing":     {`{"max_tokens":10}`, "Malformed input request: #: required key [prompt] not found, please reformat your input and try again."},
		"max_tokens":  {`{"prompt":"hi","max_tokens":32769}`, "Malformed input request: #/max_tokens: 32769 is not less or equal to 32768, please reformat your input and try again."},
		"temperature": {`{"prompt":"hi","temperature":1.5}`, "Malformed input request: #/temperature: 1.5 is not less or equal to 1, please reformat your input and try again."},
		"stop count":  {`{"prompt":"hi","stop":["1","2","3","4","5","6","7","8","9","10","11"]}`, "Malformed input request: #/stop: expected maximum item count: 10, found: 11, please reformat your input and try again."},
		"extraneous":  {`{"prompt":"hi","top_k":5}`, "Malformed input request: #: extraneous key [top_k] is not permitted, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	resp := &rockstream.Response{StopReason: rockstream.StopMaxTokens, Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{text("Four.")}}}
	body, err := Codec{}.EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"choices":[{"text":"Four.","stop_reason":"length"}]}`; string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
	got, err := Codec{}.DecodeResponse(body)
	if err != nil || !reflect.DeepEqual(got, resp) {
		t.Errorf("got %#v %v", got, err)
	}
	resp.Message.Content = append([]rockstream.Block{{Type: rockstream.BlockThinking, Text: "Sum."}}, resp.Message.Content...)
	body, _ = Codec{}.EncodeResponse(resp)
	if want := `{"choices":[{"text":"Sum.\n</think>\n\nFour.","stop_reason":"length"}]}`; string(body) != want {
		t.Errorf("with reasoning: body = %s, want %s", body, want)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{`{"prompt":"<｜begin▁of▁sentence｜>s<｜User｜>a<｜Assistant｜>b<｜end▁of▁sentence｜><｜User｜>c<｜Assistant｜><think>\n"}`,
		`{"prompt":"hi","stop":["x"],"max_tokens":3}`, `{"messages":[{"role":"user","content":"hi"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		codectest.FuzzRequest(t, Codec{Chat: IsChat(body)}, r1, body)
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"r1", "v3"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		codectest.FuzzChunks(Codec{}, data)
		codectest.FuzzChunks(Codec{Chat: true}, data)
	})
}
