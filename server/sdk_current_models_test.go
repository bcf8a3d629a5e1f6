package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
	"github.com/rockstream/rockstream/server"
)

const (
	claudeBody = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":40,"messages":[{"role":"user","content":"Tell me a story."}]}`
	llama4Body = `{"prompt":"<|begin_of_text|><|header_start|>user<|header_end|>\n\nTell me a story.<|eot|><|header_start|>assistant<|header_end|>\n\n","max_gen_len":40}`
)

// currentProfileModels are today's Claude and Llama 4 models as callers
// reach them, through the us. and global. inference profiles the catalog
// lists for them, each with its family's InvokeModel body.
var currentProfileModels = []struct{ family, model, body string }{
	{"anthropic", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", claudeBody},
	{"anthropic", "global.anthropic.claude-haiku-4-5-20251001-v1:0", claudeBody},
	{"anthropic", "global.anthropic.claude-opus-4-6-v1", claudeBody},
	{"llama", "us.meta.llama4-maverick-17b-instruct-v1:0", llama4Body},
	{"llama", "us.meta.llama4-scout-17b-instruct-v1:0", llama4Body},
}

// TestSDKInvokeStreamCurrentModels streams each current model's own body
// through the Go SDK's InvokeModelWithResponseStream and reads the chunks
// back with the family's decoder: text, a stop reason and usage.
func TestSDKInvokeStreamCurrentModels(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	for _, tc := range currentProfileModels {
		t.Run(tc.model, func(t *testing.T) {
			codec, err := family.ForRequest(tc.model, []byte(tc.body))
			if err != nil || codec.Name() != tc.family {
				t.Fatalf("codec %v %v", codec, err)
			}
			out, err := client.InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
				ModelId: aws.String(tc.model), Body: []byte(tc.body), ContentType: aws.String("application/json"),
			})
			if err != nil {
				t.Fatal(err)
			}
			stream := out.GetStream()
			defer stream.Close()
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

// TestSDKConverseStreamCurrentModels streams each current model through
// the Go SDK's ConverseStream: text, a stop reason and both token counts.
func TestSDKConverseStreamCurrentModels(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	for _, tc := range currentProfileModels {
		t.Run(tc.model, func(t *testing.T) {
			in := converseInput(40)
			in.ModelId = aws.String(tc.model)
			text, stop, meta := converseAll(t, client, in)
			var usage *types.TokenUsage
			if meta != nil {
				usage = meta.Usage
			}
			if text == "" || stop == "" || usage == nil || aws.ToInt32(usage.InputTokens) == 0 || aws.ToInt32(usage.OutputTokens) == 0 {
				t.Errorf("text %q stop %q usage %+v", text, stop, usage)
			}
		})
	}
}
