package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

const (
	sonnet  = "anthropic.claude-3-sonnet-20240229-v1:0"
	labBody = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":8000,"temperature":0,"messages":[{"role":"user","content":"Tell me a story."}]}`
)

func startServer(t *testing.T, o server.Options) *server.Running {
	t.Helper()
	r, err := server.Start(context.Background(), o, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// sdkClient is the AWS SDK for Go's Bedrock Runtime client with the
// endpoint URL as its only change, over an h2c transport (bedrock-wire
// §8.1: the SDK's HTTP/1.1 event-stream reads race with its own writer).
func sdkClient(t *testing.T, url string, key auth.AccessKey) *bedrockruntime.Client {
	tr := &http.Transport{}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections) // before the server's Close: no GOAWAY wait
	return bedrockruntime.New(bedrockruntime.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, ""),
		HTTPClient:       &http.Client{Transport: tr},
		RetryMaxAttempts: 1,
	})
}

var dummyKey = auth.AccessKey{AccessKeyID: "AKIDLOCAL", SecretAccessKey: "local-secret"}

// chunkText is the text delta inside an Anthropic chunk, if any.
func chunkText(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	var c struct {
		Type  string
		Delta struct{ Type, Text string }
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("chunk %s: %v", b, err)
	}
	return c.Delta.Text, c.Type == "content_block_delta" && c.Delta.Type == "text_delta"
}

// drain reads the rest of an IMWRS stream into text, failing on any
// member that is not a chunk.
func drain(t *testing.T, events <-chan types.ResponseStream) (text string, chunks int) {
	t.Helper()
	for ev := range events {
		c, ok := ev.(*types.ResponseStreamMemberChunk)
		if !ok {
			t.Fatalf("unexpected member %T", ev)
		}
		chunks++
		if s, ok := chunkText(t, c.Value.Bytes); ok {
			text += s
		}
	}
	return text, chunks
}

func TestSDKInvokeModelWithResponseStreamIsIncremental(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.HoldAfter = 2 // the first text delta
	r := startServer(t, server.Options{Backend: fake})
	out, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(sonnet), Body: []byte(labBody),
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	var first string
	for first == "" {
		ev, ok := <-stream.Events()
		if !ok {
			t.Fatalf("stream ended before the first text while the backend was holding: %v", stream.Err())
		}
		if s, ok := chunkText(t, ev.(*types.ResponseStreamMemberChunk).Value.Bytes); ok {
			first = s
		}
	}
	close(fake.Release) // only now may the rest be generated
	rest, _ := drain(t, stream.Events())
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if first+rest != "Once upon a time." {
		t.Errorf("text %q", first+rest)
	}
	if aws.ToString(out.ContentType) != "application/json" {
		t.Errorf("contentType %q", aws.ToString(out.ContentType))
	}
}

func TestSDKInvokeModel(t *testing.T) {
	r := startServer(t, server.Options{Backend: fakebackend.New(fakebackend.Story())})
	out, err := sdkClient(t, r.URL, dummyKey).InvokeModel(context.Background(), &bedrockruntime.InvokeModelInput{
		ModelId: aws.String(sonnet), Body: []byte(labBody),
	})
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Content    []struct{ Text string }
		StopReason string `json:"stop_reason"`
	}
	if err := json.Unmarshal(out.Body, &msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != "Once upon a time." || msg.StopReason != "end_turn" {
		t.Errorf("response %s", out.Body)
	}
}

func TestSDKMidStreamException(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	e := rockstream.BedrockError("ModelStreamErrorException", "The model stopped.")
	e.OriginalStatusCode = 500
	fake.FailAt, fake.Err = 4, e
	r := startServer(t, server.Options{Backend: fake})
	out, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(sonnet), Body: []byte(labBody),
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	text, _ := drain(t, stream.Events())
	if text != "Once upon" {
		t.Errorf("text before the exception %q", text)
	}
	var mse *types.ModelStreamErrorException
	if !errors.As(stream.Err(), &mse) {
		t.Fatalf("stream error %T %v, want *types.ModelStreamErrorException", stream.Err(), stream.Err())
	}
	if aws.ToInt32(mse.OriginalStatusCode) != 500 || aws.ToString(mse.Message) != "The model stopped." {
		t.Errorf("exception %+v", mse)
	}
}

func TestSDKPreStreamThrottling(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.FailAt, fake.Err = 0, rockstream.BedrockError("ThrottlingException", "Too many requests, please wait before trying again.")
	r := startServer(t, server.Options{Backend: fake})
	_, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(sonnet), Body: []byte(labBody),
	})
	var te *types.ThrottlingException
	if !errors.As(err, &te) || !strings.HasPrefix(aws.ToString(te.Message), "Too many requests") {
		t.Fatalf("error %T %v, want *types.ThrottlingException", err, err)
	}
}

func TestSDKModelIDForms(t *testing.T) {
	for _, id := range []string{
		sonnet,
		"us.anthropic.claude-3-5-haiku-20241022-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
		"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
	} {
		t.Run(id, func(t *testing.T) {
			fake := fakebackend.New(fakebackend.Story())
			r := startServer(t, server.Options{Backend: fake})
			out, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
				ModelId: aws.String(id), Body: []byte(labBody),
			})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, out.GetStream().Events())
			out.GetStream().Close()
			if got := fake.LastRequest().Model; got != id {
				t.Errorf("backend saw model %q", got)
			}
		})
	}
}

func TestSDKStrictAuth(t *testing.T) {
	r := startServer(t, server.Options{
		Backend: fakebackend.New(fakebackend.Story()),
		Auth:    auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{dummyKey}},
	})
	ctx := context.Background()
	in := &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"),
		Body:    []byte(labBody),
	}
	out, err := sdkClient(t, r.URL, dummyKey).InvokeModelWithResponseStream(ctx, in)
	if err != nil {
		t.Fatalf("the SDK's own signature was rejected: %v", err)
	}
	if text, _ := drain(t, out.GetStream().Events()); text != "Once upon a time." {
		t.Errorf("text %q", text)
	}
	out.GetStream().Close()

	for name, key := range map[string]auth.AccessKey{
		"wrong secret": {AccessKeyID: dummyKey.AccessKeyID, SecretAccessKey: "guess"},
		"unknown key":  {AccessKeyID: "AKIDOTHER", SecretAccessKey: dummyKey.SecretAccessKey},
	} {
		_, err := sdkClient(t, r.URL, key).InvokeModelWithResponseStream(ctx, in)
		var api smithy.APIError
		want := map[string]string{"wrong secret": "InvalidSignatureException", "unknown key": "UnrecognizedClientException"}[name]
		if !errors.As(err, &api) || api.ErrorCode() != want {
			t.Errorf("%s: error %v, want %s", name, err, want)
		}
	}
}
