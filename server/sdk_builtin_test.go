package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
)

// instant is the builtin model with no delays.
func instant() *builtin.Backend { return builtin.New(builtin.Options{Pace: &builtin.Pace{}}) }

func converseInput(maxTokens int32) *bedrockruntime.ConverseStreamInput {
	return &bedrockruntime.ConverseStreamInput{
		ModelId: aws.String(sonnet),
		Messages: []types.Message{{
			Role:    types.ConversationRoleUser,
			Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "Tell me a story about a lighthouse."}},
		}},
		InferenceConfig: &types.InferenceConfiguration{MaxTokens: aws.Int32(maxTokens), Temperature: aws.Float32(0)},
	}
}

func TestSDKConverseStreamIsIncremental(t *testing.T) {
	gate := newGate(instant())
	r := startServer(t, server.Options{Backend: gate})
	out, err := sdkClient(t, r.URL, dummyKey).ConverseStream(context.Background(), converseInput(50))
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	var kinds []string
	var text string
	var usage *types.TokenUsage
	var stop types.StopReason
	for ev := range stream.Events() {
		switch e := ev.(type) {
		case *types.ConverseStreamOutputMemberMessageStart:
			kinds = append(kinds, "messageStart")
		case *types.ConverseStreamOutputMemberContentBlockDelta:
			if d, ok := e.Value.Delta.(*types.ContentBlockDeltaMemberText); ok {
				if text == "" {
					gate.Open()
				}
				text += d.Value
			}
		case *types.ConverseStreamOutputMemberContentBlockStop:
			kinds = append(kinds, "contentBlockStop")
		case *types.ConverseStreamOutputMemberMessageStop:
			kinds = append(kinds, "messageStop")
			stop = e.Value.StopReason
		case *types.ConverseStreamOutputMemberMetadata:
			kinds = append(kinds, "metadata")
			usage = e.Value.Usage
		default:
			t.Errorf("unexpected member %T", ev)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if err := gate.Held(); err != nil {
		t.Fatal(err)
	}
	if text == "" || usage == nil || aws.ToInt32(usage.OutputTokens) == 0 || stop == "" {
		t.Errorf("text %q usage %+v stop %q", text, usage, stop)
	}
	if len(kinds) < 4 || kinds[0] != "messageStart" || kinds[len(kinds)-1] != "metadata" || kinds[len(kinds)-2] != "messageStop" {
		t.Errorf("event order %v", kinds)
	}
}

func TestSDKConverse(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	in := converseInput(30)
	out, err := sdkClient(t, r.URL, dummyKey).Converse(context.Background(), &bedrockruntime.ConverseInput{
		ModelId: in.ModelId, Messages: in.Messages, InferenceConfig: in.InferenceConfig,
	})
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := out.Output.(*types.ConverseOutputMemberMessage)
	if !ok || len(msg.Value.Content) == 0 {
		t.Fatalf("output %#v", out.Output)
	}
	if txt, ok := msg.Value.Content[0].(*types.ContentBlockMemberText); !ok || txt.Value == "" {
		t.Errorf("content %#v", msg.Value.Content[0])
	}
	if out.StopReason == "" || aws.ToInt32(out.Usage.OutputTokens) == 0 {
		t.Errorf("stop %q usage %+v", out.StopReason, out.Usage)
	}
}

func TestSDKFaultHeaders(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	withFault := func(v string) func(*bedrockruntime.Options) {
		return func(o *bedrockruntime.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(builtin.HeaderFault, v))
		}
	}
	ctx := context.Background()

	_, err := client.ConverseStream(ctx, converseInput(30), withFault("ThrottlingException"))
	var te *types.ThrottlingException
	if !errors.As(err, &te) {
		t.Errorf("pre-stream fault: %T %v, want *types.ThrottlingException", err, err)
	}

	out, err := client.ConverseStream(ctx, converseInput(30), withFault("ModelStreamErrorException,after=4"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range out.GetStream().Events() {
		n++
	}
	out.GetStream().Close()
	var mse *types.ModelStreamErrorException
	if !errors.As(out.GetStream().Err(), &mse) || n == 0 {
		t.Errorf("mid-stream fault after %d events: %T %v, want *types.ModelStreamErrorException", n, out.GetStream().Err(), out.GetStream().Err())
	}
}

// TestSDKThousandStreams runs 1000 IMWRS streams in a row through one
// client: every one must end cleanly with its whole answer.
func TestSDKThousandStreams(t *testing.T) {
	r := startServer(t, server.Options{Backend: instant()})
	client := sdkClient(t, r.URL, dummyKey)
	body := []byte(`{"anthropic_version":"bedrock-2023-05-31","max_tokens":8,"temperature":0,"messages":[{"role":"user","content":"Count."}]}`)
	var want string
	for i := range 1000 {
		out, err := client.InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
			ModelId: aws.String(sonnet), Body: body,
		})
		if err != nil {
			t.Fatalf("stream %d: %v", i, err)
		}
		text, chunks := drain(t, out.GetStream().Events())
		if err := out.GetStream().Err(); err != nil {
			t.Fatalf("stream %d after %d chunks: %v", i, chunks, err)
		}
		out.GetStream().Close()
		if i == 0 {
			want = text
		}
		if text == "" || text != want {
			t.Fatalf("stream %d: text %q, want %q", i, text, want)
		}
	}
}
