package gatewaygo

import (
	"errors"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

func anthropicClient(opts ...option.RequestOption) anthropic.Client {
	return anthropic.NewClient(append([]option.RequestOption{
		option.WithBaseURL(baseURL + "/"), option.WithAPIKey("sk-test"), option.WithMaxRetries(0),
	}, opts...)...)
}

func messageParams() anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model:     model,
		MaxTokens: 200,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
	}
}

func TestAnthropicStream(t *testing.T) {
	c := anthropicClient(option.WithHeader(builtin.HeaderFault, "silence=50ms,after=4"))
	stream := c.Messages.NewStreaming(t.Context(), messageParams())
	var msg anthropic.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	var text string
	for _, b := range msg.Content {
		text += b.Text
	}
	if want := wantText(200); text != want {
		t.Errorf("text %q\nwant %q", text, want)
	}
	if msg.StopReason == "" || msg.Usage.OutputTokens == 0 || msg.Usage.InputTokens == 0 {
		t.Errorf("stop %q usage %+v", msg.StopReason, msg.Usage)
	}
}

func TestAnthropicNonStreaming(t *testing.T) {
	c := anthropicClient()
	msg, err := c.Messages.New(t.Context(), messageParams())
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) == 0 || msg.Content[0].Text != wantText(200) {
		t.Errorf("message %+v", msg.Content)
	}
}

func TestAnthropicErrors(t *testing.T) {
	tests := []struct {
		fault  string
		status int
	}{
		{"ThrottlingException", 429},
		{"ServiceUnavailableException", 529},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			c := anthropicClient(option.WithBaseURL(statusURL+"/"), option.WithHeader(builtin.HeaderFault, tt.fault))
			stream := c.Messages.NewStreaming(t.Context(), messageParams())
			for stream.Next() {
			}
			var apiErr *anthropic.Error
			if err := stream.Err(); !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err %v, want status %d", err, tt.status)
			}
		})
	}
	t.Run("mid-stream", func(t *testing.T) {
		c := anthropicClient(option.WithHeader(builtin.HeaderFault, "ModelStreamErrorException,after=5"))
		stream := c.Messages.NewStreaming(t.Context(), messageParams())
		var events int
		for stream.Next() {
			events++
		}
		if stream.Err() == nil {
			t.Fatal("a failed stream ended without an error")
		}
		if events < 3 {
			t.Errorf("only %d events before the error", events)
		}
	})
}

// TestAnthropicCountTokens counts with the SDK's Messages.CountTokens and
// checks the answer against what the builtin model charges the request.
func TestAnthropicCountTokens(t *testing.T) {
	c := anthropicClient()
	res, err := c.Messages.CountTokens(t.Context(), anthropic.MessageCountTokensParams{
		Model:    model,
		System:   anthropic.MessageCountTokensParamsSystemUnion{OfString: anthropic.String("Be brief.")},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := builtin.InputTokens(&rockstream.Request{System: []string{"Be brief."},
		Messages: []rockstream.Message{rockstream.UserText(prompt)}})
	if res.InputTokens != int64(want) || want == 0 {
		t.Errorf("input tokens %d, want %d", res.InputTokens, want)
	}
}
