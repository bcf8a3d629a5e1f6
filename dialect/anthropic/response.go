package anthropic

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

// EncodeResponse builds the InvokeModel (non-streaming) body for resp, with
// a msg_bdrk_ ID when resp has none.
func (Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	return encodeMessage(resp, "msg_bdrk_")
}

// DecodeResponse parses an InvokeModel body (or a first-party message).
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var w wireMessageBody
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("anthropic: malformed response: %w", err)
	}
	if w.Type != "message" {
		return nil, fmt.Errorf("anthropic: response type %q, want \"message\"", w.Type)
	}
	resp := &rockstream.Response{
		ID: w.ID, Model: w.Model,
		Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: blocksFromWire(w.Content)},
		Usage: rockstream.Usage{
			InputTokens: w.Usage.InputTokens, OutputTokens: w.Usage.OutputTokens,
			CacheReadInputTokens: w.Usage.CacheReadInputTokens, CacheWriteInputTokens: w.Usage.CacheCreationInputTokens,
		},
	}
	if w.StopReason != nil {
		resp.StopReason = rockstream.StopReason(*w.StopReason)
	}
	if w.StopSequence != nil {
		resp.StopSequence = *w.StopSequence
	}
	return resp, nil
}

// EncodeMessage is the first-party Messages API's non-streaming body.
func EncodeMessage(resp *rockstream.Response) []byte {
	b, err := encodeMessage(resp, "msg_")
	if err != nil {
		// Only an unsupported block type fails; keep the text so the caller
		// still gets an answer.
		b, _ = encodeMessage(&rockstream.Response{ID: resp.ID, Model: resp.Model, StopReason: resp.StopReason,
			Usage: resp.Usage, Message: rockstream.Message{Content: []rockstream.Block{
				{Type: rockstream.BlockText, Text: rockstream.TextOf(resp.Message.Content)}}}}, "msg_")
	}
	return b
}

func encodeMessage(resp *rockstream.Response, idPrefix string) ([]byte, error) {
	content, err := blocksToWire(resp.Message.Content, "an Anthropic answer")
	if err != nil {
		return nil, fmt.Errorf("anthropic: %w", err)
	}
	id := resp.ID
	if id == "" {
		id = newID(idPrefix)
	}
	return json.Marshal(wireMessageBody{
		ID: id, Type: "message", Role: "assistant", Model: resp.Model, Content: content,
		StopReason: nullable(string(resp.StopReason)), StopSequence: nullable(resp.StopSequence),
		Usage: wireUsage{
			InputTokens: resp.Usage.InputTokens, OutputTokens: resp.Usage.OutputTokens,
			CacheReadInputTokens: resp.Usage.CacheReadInputTokens, CacheCreationInputTokens: resp.Usage.CacheWriteInputTokens,
		},
	})
}

// blocksFromWire converts a response's content blocks; unknown types are
// dropped.
func blocksFromWire(ws []wireBlock) []rockstream.Block {
	out := make([]rockstream.Block, 0, len(ws))
	for _, w := range ws {
		b := rockstream.Block{Type: rockstream.BlockType(w.Type)}
		switch b.Type {
		case rockstream.BlockText:
			if w.Text != nil {
				b.Text = *w.Text
			}
		case rockstream.BlockToolUse:
			b.ToolUseID, b.Name, b.Input = w.ID, w.Name, w.Input
		case rockstream.BlockThinking:
			if w.Thinking != nil {
				b.Text = *w.Thinking
			}
			if w.Signature != nil {
				b.Signature = *w.Signature
			}
		case rockstream.BlockRedactedThinking:
			b.Data = w.Data
		case rockstream.BlockImage:
			if w.Source != nil {
				b.Image = &rockstream.Image{MediaType: w.Source.MediaType}
				_ = json.Unmarshal(w.Source.Data, &b.Image.Data) // base64; an answer never holds bad data
			}
		case rockstream.BlockToolResult:
			b.ToolUseID, b.IsError, b.Content = w.ToolUseID, w.IsError, blocksFromWire(w.Content)
		default:
			continue
		}
		out = append(out, b)
	}
	return out
}
