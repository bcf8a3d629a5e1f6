package gatewaygo

import (
	"errors"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/rockstream/rockstream/backend/builtin"
)

func openaiClient(opts ...option.RequestOption) openai.Client {
	return openai.NewClient(append([]option.RequestOption{
		option.WithBaseURL(baseURL + "/v1/"), option.WithAPIKey("sk-test"), option.WithMaxRetries(0),
	}, opts...)...)
}

func chatParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:         model,
		MaxTokens:     openai.Int(200),
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	}
}

func TestOpenAIStream(t *testing.T) {
	c := openaiClient(option.WithHeader(builtin.HeaderFault, "silence=50ms,after=4"))
	stream := c.Chat.Completions.NewStreaming(t.Context(), chatParams())
	var acc openai.ChatCompletionAccumulator
	var chunks int
	for stream.Next() {
		acc.AddChunk(stream.Current())
		chunks++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if got, want := acc.Choices[0].Message.Content, wantText(200); got != want {
		t.Errorf("text %q\nwant %q", got, want)
	}
	if acc.Choices[0].FinishReason == "" || acc.Usage.CompletionTokens == 0 || acc.Usage.PromptTokens == 0 {
		t.Errorf("finish %q usage %+v", acc.Choices[0].FinishReason, acc.Usage)
	}
	if chunks < 5 {
		t.Errorf("only %d chunks", chunks)
	}
}

func TestOpenAINonStreaming(t *testing.T) {
	p := chatParams()
	p.StreamOptions = openai.ChatCompletionStreamOptionsParam{}
	c := openaiClient()
	resp, err := c.Chat.Completions.New(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != wantText(200) {
		t.Errorf("text %q", got)
	}
}

func TestOpenAIToolCall(t *testing.T) {
	p := chatParams()
	p.Messages = []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the weather in Paris?")}
	p.Tools = []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
		Name: "get_weather", Description: openai.String("Get the weather for a city"),
		Parameters: openai.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
	})}
	c := openaiClient()
	stream := c.Chat.Completions.NewStreaming(t.Context(), p)
	var acc openai.ChatCompletionAccumulator
	for stream.Next() {
		acc.AddChunk(stream.Current())
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	calls := acc.Choices[0].Message.ToolCalls
	if len(calls) != 1 || calls[0].Function.Name != "get_weather" || calls[0].ID == "" || acc.Choices[0].FinishReason != "tool_calls" {
		t.Fatalf("tool calls %+v, finish %q", calls, acc.Choices[0].FinishReason)
	}
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		fault  string
		status int
	}{
		{"ThrottlingException", 429},
		{"ServiceUnavailableException", 503},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			c := openaiClient(option.WithBaseURL(statusURL+"/v1/"), option.WithHeader(builtin.HeaderFault, tt.fault))
			stream := c.Chat.Completions.NewStreaming(t.Context(), chatParams())
			for stream.Next() {
			}
			var apiErr *openai.Error
			if err := stream.Err(); !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err %v, want status %d", err, tt.status)
			}
		})
	}
	t.Run("bad key", func(t *testing.T) {
		c := openaiClient(option.WithAPIKey("wrong"))
		_, err := c.Chat.Completions.New(t.Context(), chatParams())
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Fatalf("err %v, want 401", err)
		}
	})
	t.Run("mid-stream", func(t *testing.T) {
		c := openaiClient(option.WithHeader(builtin.HeaderFault, "ModelStreamErrorException,after=5"))
		stream := c.Chat.Completions.NewStreaming(t.Context(), chatParams())
		var text string
		for stream.Next() {
			if ch := stream.Current().Choices; len(ch) > 0 {
				text += ch[0].Delta.Content
			}
		}
		if stream.Err() == nil {
			t.Fatal("a failed stream ended without an error")
		}
		if text == "" {
			t.Error("the text before the error was not delivered")
		}
	})
}
