package anthropic

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
)

// Codec is the Bedrock Anthropic Claude family: Messages bodies over
// InvokeModel and InvokeModelWithResponseStream.
type Codec struct{}

var _ dialect.Codec = Codec{}

// Name is "anthropic".
func (Codec) Name() string { return "anthropic" }

// EncodeRequest builds the Bedrock InvokeModel body for req: the Messages
// body with anthropic_version and without model or stream.
// What neither the body nor InvokeModel's headers carry is refused by name.
func (Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, "anthropic", bedrockCarried...); err != nil {
		return nil, err
	}
	w, err := toWire(req, "the anthropic model family")
	if err != nil {
		return nil, err
	}
	w.AnthropicVersion = BedrockVersion
	w.AnthropicBeta = req.AnthropicBeta
	return marshal(w)
}

// DecodeRequest parses and validates a Bedrock InvokeModel Messages body;
// failures read as Bedrock's ValidationException messages.
// The amazon-bedrock-guardrailConfig key is read as dialect.DecodeInvoke
// reads it.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	body, g, err := dialect.SplitGuardrailBody(body)
	if err != nil {
		return nil, err
	}
	req, _, err := decodeRequest(body, bedrockStyle)
	if err != nil {
		return nil, err
	}
	req.Model = modelID
	req.Guardrail = g
	return req, nil
}

// NewStreamDecoder returns a decoder for one stream's chunks.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return NewStreamDecoder() }

// NewStreamEncoder returns an encoder of Bedrock chunks for one stream.
func (Codec) NewStreamEncoder() dialect.StreamEncoder { return NewStreamEncoder() }

// toWire converts the neutral request into a Messages body without the
// version, model, stream or beta keys; target names the body in refusals.
func toWire(req *rockstream.Request, target string) (*wireRequest, error) {
	w := &wireRequest{
		MaxTokens:     req.MaxTokens,
		Temperature:   req.Temperature,
		TopP:          req.TopP,
		TopK:          req.TopK,
		StopSequences: req.StopSequences,
		Messages:      make([]wireMessage, 0, len(req.Messages)),
	}
	if w.MaxTokens == 0 {
		w.MaxTokens = DefaultMaxTokens
	}
	system, err := systemToWire(req, target)
	if err != nil {
		return nil, err
	}
	w.System = system
	w.Extra = req.ExtraFields
	for i, m := range req.Messages {
		blocks, err := blocksToWire(m.Content, target)
		if err != nil {
			return nil, fmt.Errorf("anthropic: message %d: %w", i, err)
		}
		w.Messages = append(w.Messages, wireMessage{Role: string(m.Role), Content: blocks})
	}
	for _, t := range req.Tools {
		schema := t.InputSchema
		if len(schema) == 0 {
			schema = json.RawMessage(`{"type":"object"}`)
		}
		w.Tools = append(w.Tools, wireTool{Name: t.Name, Description: t.Description, InputSchema: schema, CacheControl: cacheControl(t.Cache)})
	}
	if tc := req.ToolChoice; tc != nil {
		w.ToolChoice = &wireToolChoice{Type: tc.Type, Name: tc.Name}
	}
	if th := req.Thinking; th != nil {
		w.Thinking = &wireThinking{Type: "enabled", BudgetTokens: th.BudgetTokens}
	}
	return w, nil
}

// blocksToWire converts neutral content blocks to Messages blocks.
func blocksToWire(content []rockstream.Block, target string) ([]wireBlock, error) {
	out := make([]wireBlock, 0, len(content))
	for _, b := range content {
		w := wireBlock{Type: string(b.Type), CacheControl: cacheControl(b.Cache)}
		switch b.Type {
		case rockstream.BlockText:
			w.Text = ptr(b.Text)
		case rockstream.BlockImage:
			if b.Image == nil {
				return nil, fmt.Errorf("image block without an image")
			}
			w.Source = &wireSource{Type: "base64", MediaType: b.Image.MediaType, Data: mustJSON(b.Image.Data)}
		case rockstream.BlockToolUse:
			w.ID, w.Name, w.Input = b.ToolUseID, b.Name, b.Input
			if len(w.Input) == 0 {
				w.Input = json.RawMessage("{}")
			}
		case rockstream.BlockToolResult:
			w.ToolUseID, w.IsError = b.ToolUseID, b.IsError
			inner, err := blocksToWire(b.Content, target)
			if err != nil {
				return nil, err
			}
			w.Content = inner
		case rockstream.BlockThinking:
			w.Thinking, w.Signature = ptr(b.Text), ptr(b.Signature)
		case rockstream.BlockRedactedThinking:
			w.Data = b.Data
		case rockstream.BlockDocument:
			if err := documentToWire(&w, b.Document, target); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unsupported content block type %q", b.Type)
		}
		out = append(out, w)
	}
	return out, nil
}
