package cohere

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt/codectest"
)

func ptr[T any](v T) *T { return &v }

func assistant(s string) rockstream.Message {
	return rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: s}}}
}

func TestStreamDecodeGolden(t *testing.T) {
	for _, name := range []string{"legacy", "chat"} {
		t.Run(name, func(t *testing.T) {
			codectest.CheckDecode(t, Codec{}, "testdata/"+name+".chunks", "testdata/"+name+".golden")
		})
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	codectest.CheckEncode(t, Codec{}, "testdata/answer.events", "testdata/answer_legacy.chunks.golden")
	codectest.CheckEncode(t, Codec{Chat: true}, "testdata/answer.events", "testdata/answer_chat.chunks.golden")
}

func TestStreamEndsEarly(t *testing.T) {
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/legacy.chunks")
	codectest.CheckEarlyEnd(t, Codec{}, "testdata/chat.chunks")
}

func TestStreamMalformed(t *testing.T) {
	codectest.CheckMalformed(t, Codec{}, `{"text":`, `[]`, `{}`, `{"is_finished":"no"}`, `{"generation":"hi"}`)
}

func TestStreamErrorFinish(t *testing.T) {
	evs, done, err := codectest.Decode(Codec{}, [][]byte{[]byte(`{"text":"a","is_finished":false}`), []byte(`{"is_finished":true,"finish_reason":"ERROR"}`)})
	var re *rockstream.Error
	if !errors.As(err, &re) || re.Code != "ModelStreamErrorException" || !re.InStream {
		t.Fatalf("err = %v, want an in-stream ModelStreamErrorException", err)
	}
	if done || len(evs) != 2 {
		t.Errorf("done=%v events=%v, want the start and text before the error", done, evs)
	}
}

func TestEncodeRequestGolden(t *testing.T) {
	conv := []rockstream.Message{rockstream.UserText("Hi"), assistant("Hello!"), rockstream.UserText("Capital of France?")}
	for name, tc := range map[string]struct {
		codec Codec
		req   *rockstream.Request
	}{
		"legacy_single": {Codec{}, &rockstream.Request{Model: "cohere.command-text-v14", Messages: conv[2:], MaxTokens: 100, Temperature: ptr(0.8), TopP: ptr(0.5), TopK: ptr(10)}},
		"legacy_turns":  {Codec{}, &rockstream.Request{Model: "cohere.command-light-text-v14", System: []string{"Be brief."}, Messages: conv}},
		"chat":          {Codec{}, &rockstream.Request{Model: "cohere.command-r-plus-v1:0", System: []string{"Be brief."}, Messages: conv, StopSequences: []string{"\n"}}},
	} {
		t.Run(name, func(t *testing.T) {
			body, err := tc.codec.EncodeRequest(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			codectest.Golden(t, "testdata/request_"+name+".golden", append(body, '\n'))
		})
	}
}

func TestRequestRoundTrip(t *testing.T) {
	conv := []rockstream.Message{rockstream.UserText("a"), assistant("b"), rockstream.UserText("c")}
	for name, tc := range map[string]struct {
		codec Codec
		req   *rockstream.Request
	}{
		"legacy":  {Codec{}, &rockstream.Request{Model: "cohere.command-text-v14", Messages: conv[:1], MaxTokens: 10, TopK: ptr(3)}},
		"turns":   {Codec{}, &rockstream.Request{Model: "cohere.command-text-v14", System: []string{"sys"}, Messages: conv}},
		"prefill": {Codec{}, &rockstream.Request{Model: "cohere.command-text-v14", Messages: conv[:2], TopP: ptr(0.3)}},
		"chat":    {Codec{Chat: true}, &rockstream.Request{Model: "cohere.command-r-v1:0", System: []string{"sys"}, Messages: conv, Temperature: ptr(0.3), StopSequences: []string{"x"}}},
	} {
		t.Run(name, func(t *testing.T) {
			body, err := tc.codec.EncodeRequest(tc.req)
			if err != nil {
				t.Fatal(err)
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
	for name, tc := range map[string]struct {
		codec Codec
		req   *rockstream.Request
	}{
		"tools":   {Codec{}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("hi")}, Tools: []rockstream.Tool{{Name: "f"}}}},
		"image":   {Codec{}, &rockstream.Request{Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockImage}}}}}},
		"prefill": {Codec{Chat: true}, &rockstream.Request{Messages: []rockstream.Message{rockstream.UserText("a"), assistant("b")}}},
		"empty":   {Codec{}, &rockstream.Request{}},
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
	codectest.CheckValidation(t, Codec{}, "cohere.command-text-v14", map[string][2]string{
		"legacy ok":   {`{"prompt":"hi","temperature":4.5,"p":0.5,"k":10,"max_tokens":50,"stop_sequences":["a"],"return_likelihoods":"NONE","stream":true,"num_generations":1,"truncate":"END"}`, ""},
		"chat ok":     {`{"message":"hi","chat_history":[{"role":"USER","message":"a"},{"role":"CHATBOT","message":"b"}],"preamble":"p","seed":3}`, ""},
		"missing":     {`{"temperature":1}`, "Malformed input request: #: required key [prompt] not found, please reformat your input and try again."},
		"extraneous":  {`{"prompt":"hi","top_p":1}`, "Malformed input request: #: extraneous key [top_p] is not permitted, please reformat your input and try again."},
		"truncate":    {`{"prompt":"hi","truncate":"MIDDLE"}`, "Malformed input request: #/truncate: MIDDLE is not a valid enum value, please reformat your input and try again."},
		"chat role":   {`{"message":"hi","chat_history":[{"role":"user","message":"a"}]}`, "Malformed input request: #/chat_history/0/role: user is not a valid enum value, please reformat your input and try again."},
		"chat prompt": {`{"message":"hi","prompt":"x"}`, "Malformed input request: #: extraneous key [prompt] is not permitted, please reformat your input and try again."},
		"chat temp":   {`{"message":"hi","temperature":2}`, "Malformed input request: #/temperature: 2 is not less or equal to 1, please reformat your input and try again."},
	})
	codectest.CheckValidation(t, Codec{}, "cohere.command-r-v1:0", map[string][2]string{
		"r needs message": {`{"prompt":"hi"}`, "Malformed input request: 2 schema violations found, please reformat your input and try again."},
	})
}

func TestResponseRoundTrip(t *testing.T) {
	for name, tc := range map[string]struct {
		codec Codec
		resp  *rockstream.Response
		want  string
	}{
		"legacy": {Codec{}, &rockstream.Response{ID: "g1", Message: assistant("Four."), StopReason: rockstream.StopMaxTokens},
			`{"id":"g1","generations":[{"id":"g1","text":"Four.","finish_reason":"MAX_TOKENS"}]}`},
		"chat": {Codec{Chat: true}, &rockstream.Response{ID: "g2", Message: assistant("Four."), StopReason: rockstream.StopEndTurn, Usage: rockstream.Usage{InputTokens: 3, OutputTokens: 2}},
			`{"response_id":"g2","text":"Four.","generation_id":"g2","finish_reason":"COMPLETE","meta":{"billed_units":{"input_tokens":3,"output_tokens":2}}}`},
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
	for _, s := range []string{`{"prompt":"hi"}`, `{"prompt":"sys\n\nUser: a\nChatbot: b\nUser: c\nChatbot:"}`,
		`{"message":"c","chat_history":[{"role":"USER","message":"a"},{"role":"CHATBOT","message":"b"},{"role":"SYSTEM","message":"s"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		codectest.FuzzRequest(t, Codec{Chat: bytes.Contains(body, []byte(`"message"`))}, "cohere.command-text-v14", body)
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, name := range []string{"legacy", "chat"} {
		f.Add(bytes.Join(codectest.Lines(f, "testdata/"+name+".chunks"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) { codectest.FuzzChunks(Codec{}, data) })
}
