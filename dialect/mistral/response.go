package mistral

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// EncodeResponse writes resp as Mistral's InvokeModel answer, in the chat
// form when c.Chat is set or resp calls tools.
func (c Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	msg, err := chatMessages(resp.Message)
	if err != nil {
		return nil, err
	}
	reason := wireStop(resp.StopReason)
	if c.Chat || len(msg[0].ToolCalls) > 0 {
		return prompt.JSON(chunk{Choices: []choice{{Message: msg[0], StopReason: &reason}}})
	}
	return prompt.JSON(chunk{Outputs: []output{{Text: msg[0].Content, StopReason: &reason}}})
}

// DecodeResponse reads Mistral's InvokeModel answer of either form.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var c chunk
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	resp := &rockstream.Response{Message: rockstream.Message{Role: rockstream.RoleAssistant}}
	var text string
	var calls []toolCall
	var stop *string
	switch {
	case len(c.Outputs) > 0:
		text, stop = c.Outputs[0].Text, c.Outputs[0].StopReason
	case len(c.Choices) > 0:
		text, calls, stop = c.Choices[0].Message.Content, c.Choices[0].Message.ToolCalls, c.Choices[0].StopReason
	default:
		return nil, prompt.Decoded(name, errNoChoices)
	}
	if text != "" || len(calls) == 0 {
		resp.Message.Content = append(resp.Message.Content, rockstream.Block{Type: rockstream.BlockText, Text: text})
	}
	for _, call := range calls {
		resp.Message.Content = append(resp.Message.Content, rockstream.Block{Type: rockstream.BlockToolUse,
			ToolUseID: call.ID, Name: call.Function.Name, Input: input(json.RawMessage(call.Function.Arguments))})
	}
	if stop != nil {
		resp.StopReason = stopReason(*stop)
	}
	return resp, nil
}
