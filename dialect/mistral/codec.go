// Package mistral converts Mistral InvokeModel bodies and stream chunks to
// and from rockstream's neutral model. Mistral has two forms: the text form
// (a "<s>[INST] … [/INST]" prompt, "outputs" chunks) and the chat form of
// Mistral Large ("messages" with tools, "choices" chunks). Decoding accepts
// both; encoding uses the chat form when Codec.Chat is set or the request
// has tools, else the text form.
package mistral

import (
	"encoding/json"
	"errors"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// Codec is the Mistral family's codec. Chat selects the chat form for what
// it encodes (requests, stream chunks and responses); the zero value
// writes the text form. The local runtime sets Chat when the request body
// it answers used "messages".
type Codec struct {
	Chat bool
}

var _ dialect.Codec = Codec{}

const name = "mistral"

// Name is "mistral".
func (Codec) Name() string { return name }

// IsChat reports whether a Mistral request body uses the chat form.
func IsChat(body []byte) bool {
	var probe struct {
		Messages json.RawMessage `json:"messages"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Messages != nil
}

// EncodeRequest writes req in the chat form when c.Chat is set or req uses
// tools, else in the text form.
func (c Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, name); err != nil {
		return nil, err
	}
	if len(req.Messages) == 0 {
		return nil, rockstream.Validationf("%s: the request has no messages", name)
	}
	if c.Chat || usesTools(req) {
		return encodeChatRequest(req)
	}
	return encodeTextRequest(req)
}

func usesTools(req *rockstream.Request) bool {
	if len(req.Tools) > 0 || req.ToolChoice != nil {
		return true
	}
	for _, m := range req.Messages {
		for _, b := range m.Content {
			if b.Type == rockstream.BlockToolUse || b.Type == rockstream.BlockToolResult {
				return true
			}
		}
	}
	return false
}

// DecodeRequest checks a Mistral body of either form as Bedrock does.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	req := &rockstream.Request{Model: modelID}
	if b.Has("messages") {
		err = decodeChatRequest(b, req)
	} else {
		err = decodeTextRequest(b, req)
	}
	if err != nil {
		return nil, err
	}
	return req, nil
}

var (
	errNotChunk  = errors.New(`chunk has neither "outputs" nor "choices"`)
	errNoChoices = errors.New("response has no outputs or choices")
)

// stopReason maps Mistral's stop_reason onto the neutral ones.
func stopReason(r string) rockstream.StopReason {
	switch r {
	case "length", "model_length":
		return rockstream.StopMaxTokens
	case "tool_calls":
		return rockstream.StopToolUse
	}
	return rockstream.StopEndTurn
}

// wireStop is Mistral's spelling of r.
func wireStop(r rockstream.StopReason) string {
	switch r {
	case rockstream.StopMaxTokens:
		return "length"
	case rockstream.StopToolUse:
		return "tool_calls"
	}
	return "stop"
}
