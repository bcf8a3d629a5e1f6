package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
	"github.com/rockstream/rockstream/server"
)

// chatFamilies are the families whose InvokeModel body is a chat
// completions request or DeepSeek-R1's prompt, one model and body each.
var chatFamilies = []struct{ family, model, body string }{
	{"gptoss", "openai.gpt-oss-120b-1:0", `{"messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Tell me a story."}],"max_completion_tokens":40}`},
	{"gptoss", "openai.gpt-oss-20b-1:0", `{"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":40}`},
	{"deepseek", "us.deepseek.r1-v1:0", `{"prompt":"<｜begin▁of▁sentence｜><｜User｜>Tell me a story.<｜Assistant｜><think>\n","max_tokens":40,"temperature":0.6}`},
	{"deepseek", "deepseek.v3-v1:0", `{"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":40}`},
	{"qwen", "qwen.qwen3-32b-v1:0", `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Tell me a story."}],"max_tokens":40,"top_p":0.9}`},
}

// TestSDKInvokeStreamChatFamilies streams each family's body through the
// Go SDK's InvokeModelWithResponseStream from the builtin model, and reads
// the chunks back with the family's own decoder: text, a stop reason and
// the invocation metrics in the last chunk.
func TestSDKInvokeStreamChatFamilies(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	for _, tc := range chatFamilies {
		t.Run(tc.model, func(t *testing.T) {
			out, err := client.InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
				ModelId: aws.String(tc.model), Body: []byte(tc.body), ContentType: aws.String("application/json"),
			})
			if err != nil {
				t.Fatal(err)
			}
			stream := out.GetStream()
			defer stream.Close()
			codec, err := family.ForRequest(tc.model, []byte(tc.body))
			if err != nil || codec.Name() != tc.family {
				t.Fatalf("codec %v %v", codec, err)
			}
			dec := codec.NewStreamDecoder()
			var evs []rockstream.Event
			for ev := range stream.Events() {
				c, ok := ev.(*types.ResponseStreamMemberChunk)
				if !ok {
					t.Fatalf("unexpected member %T", ev)
				}
				if evs, err = dec.Decode(evs, c.Value.Bytes); err != nil {
					t.Fatalf("chunk %s: %v", c.Value.Bytes, err)
				}
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			if !dec.Done() {
				t.Fatal("stream ended before the final chunk")
			}
			checkAnswer(t, evs)
		})
	}
}

func checkAnswer(t *testing.T, evs []rockstream.Event) {
	t.Helper()
	var text string
	var stop *rockstream.MessageStop
	var meta *rockstream.Metadata
	for _, ev := range evs {
		switch ev := ev.(type) {
		case rockstream.TextDelta:
			text += ev.Text
		case rockstream.MessageStop:
			stop = &ev
		case rockstream.Metadata:
			meta = &ev
		}
	}
	if text == "" || stop == nil || meta == nil || meta.Usage.OutputTokens == 0 || meta.Usage.InputTokens == 0 {
		t.Errorf("text %q stop %+v metadata %+v", text, stop, meta)
	}
}

// TestSDKInvokeChatFamilies answers each family's body on InvokeModel in
// the family's response shape.
func TestSDKInvokeChatFamilies(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	for _, tc := range chatFamilies {
		t.Run(tc.model, func(t *testing.T) {
			out, err := client.InvokeModel(context.Background(), &bedrockruntime.InvokeModelInput{
				ModelId: aws.String(tc.model), Body: []byte(tc.body), ContentType: aws.String("application/json"),
			})
			if err != nil {
				t.Fatal(err)
			}
			codec, _ := family.ForRequest(tc.model, []byte(tc.body))
			resp, err := codec.DecodeResponse(out.Body)
			if err != nil {
				t.Fatalf("%s: %v", out.Body, err)
			}
			if rockstream.TextOf(resp.Message.Content) == "" || resp.StopReason == "" {
				t.Errorf("body %s read as %+v", out.Body, resp)
			}
		})
	}
}

// TestSDKInvokeStreamChatFamilyRejects answers a body its family does not
// accept with Bedrock's ValidationException before the stream starts.
func TestSDKInvokeStreamChatFamilyRejects(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	_, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String("qwen.qwen3-32b-v1:0"), Body: []byte(`{"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"low"}`),
	})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || ve.ErrorMessage() != "Malformed input request: #: extraneous key [reasoning_effort] is not permitted, please reformat your input and try again." {
		t.Errorf("err = %v", err)
	}
}

// TestSDKInvokeStreamEffortRefused: gpt-oss's reasoning_effort reaches the
// backend, and the builtin model, which cannot honour it, refuses it by
// name rather than ignore it.
func TestSDKInvokeStreamEffortRefused(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	_, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String("openai.gpt-oss-120b-1:0"), Body: []byte(`{"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high"}`),
	})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "reasoning effort") {
		t.Errorf("err = %v", err)
	}
}

// TestSDKConverseStreamChatFamilies streams each family's model through
// ConverseStream.
func TestSDKConverseStreamChatFamilies(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	for _, tc := range chatFamilies {
		t.Run(tc.model, func(t *testing.T) {
			in := converseInput(40)
			in.ModelId = aws.String(tc.model)
			text, stop, meta := converseAll(t, client, in)
			var usage *types.TokenUsage
			if meta != nil {
				usage = meta.Usage
			}
			if text == "" || stop == "" || usage == nil || aws.ToInt32(usage.OutputTokens) == 0 {
				t.Errorf("text %q stop %q usage %+v", text, stop, usage)
			}
		})
	}
}
