// Package deepseek converts DeepSeek InvokeModel bodies and stream chunks
// to and from rockstream's neutral model. DeepSeek has two forms: the
// prompt form of DeepSeek-R1 (a "prompt" in R1's chat template, answered
// by "choices":[{"text","stop_reason"}]) and the chat form of DeepSeek-V3
// (an OpenAI Chat Completions body, answered by chat.completion objects
// with the reasoning in "reasoning_content"). Both stream chunks of their
// answer's shape, the last with Bedrock's invocation metrics.
package deepseek

import (
	"encoding/json"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/chat"
)

// Codec is the DeepSeek family's codec. Chat selects the chat form for
// what it encodes and decodes; the zero value speaks R1's prompt form.
type Codec struct {
	Chat bool
}

var _ dialect.Codec = Codec{}

const name = "deepseek"

// chatCodec is the chat form.
var chatCodec = chat.Codec{Spec: chat.Spec{
	Family:       name,
	MaxTokensKey: "max_tokens",
	MaxTokens:    maxTokens,
	Reasoning:    chat.ReasoningField,
}}

// maxTokens is the largest max_tokens DeepSeek accepts.
const maxTokens = 32768

// Name is "deepseek".
func (Codec) Name() string { return name }

// IsChat reports whether a DeepSeek request body uses the chat form.
func IsChat(body []byte) bool {
	var probe struct {
		Messages json.RawMessage `json:"messages"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Messages != nil
}

// IsChatModel reports whether a DeepSeek base model ID speaks the chat
// form: every DeepSeek model but R1.
func IsChatModel(base string) bool { return !strings.HasPrefix(base, "deepseek.r1") }

// EncodeRequest writes req in c's form.
func (c Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if c.Chat {
		return chatCodec.EncodeRequest(req)
	}
	return encodeTextRequest(req)
}

// DecodeRequest checks a DeepSeek body of either form as Bedrock does.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	if IsChat(body) {
		return chatCodec.DecodeRequest(modelID, body)
	}
	return decodeTextRequest(modelID, body)
}

// NewStreamDecoder returns a decoder for one stream in c's form.
func (c Codec) NewStreamDecoder() dialect.StreamDecoder {
	if c.Chat {
		return chatCodec.NewStreamDecoder()
	}
	return &textDecoder{}
}

// NewStreamEncoder returns an encoder for one stream in c's form.
func (c Codec) NewStreamEncoder() dialect.StreamEncoder {
	if c.Chat {
		return chatCodec.NewStreamEncoder()
	}
	return &textEncoder{}
}

// EncodeResponse writes resp as the InvokeModel answer in c's form.
func (c Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	if c.Chat {
		return chatCodec.EncodeResponse(resp)
	}
	return encodeTextResponse(resp)
}

// DecodeResponse reads the InvokeModel answer in c's form.
func (c Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	if c.Chat {
		return chatCodec.DecodeResponse(body)
	}
	return decodeTextResponse(body)
}

// stopReason maps R1's stop_reason onto the neutral ones.
func stopReason(r string) rockstream.StopReason {
	if r == "length" {
		return rockstream.StopMaxTokens
	}
	return rockstream.StopEndTurn
}

// wireStop is R1's spelling of r: "length" for a cut answer, else "stop".
func wireStop(r rockstream.StopReason) string {
	if r == rockstream.StopMaxTokens {
		return "length"
	}
	return "stop"
}
