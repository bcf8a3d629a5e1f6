package chat

import (
	"encoding/json"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
	"github.com/rockstream/rockstream/dialect/openai"
)

// completion is the InvokeModel answer: a chat.completion object.
type completion struct {
	ID      string             `json:"id,omitempty"`
	Object  string             `json:"object"`
	Model   string             `json:"model,omitempty"`
	Choices []completionChoice `json:"choices"`
	Usage   openai.Usage       `json:"usage"`
}

type completionChoice struct {
	Index        int     `json:"index"`
	Message      message `json:"message"`
	FinishReason string  `json:"finish_reason"`
}

// EncodeResponse writes resp as the family's chat.completion. gpt-oss puts
// its reasoning first in the text, between reasoning tags; the others in
// "reasoning_content".
func (c Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	msg := message{Role: "assistant"}
	var text, reasoning string
	var hasText bool
	for _, b := range resp.Message.Content {
		switch b.Type {
		case rockstream.BlockText:
			text, hasText = text+b.Text, true
		case rockstream.BlockThinking:
			reasoning += b.Text
		case rockstream.BlockToolUse:
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			msg.ToolCalls = append(msg.ToolCalls, toolCall{ID: b.ToolUseID, Type: "function", Function: function{Name: b.Name, Arguments: args}})
		default:
			return nil, prompt.Unsupported(c.Spec.Family, string(b.Type)+" content in an answer")
		}
	}
	if reasoning != "" {
		if c.Spec.Reasoning == ReasoningTags {
			text, hasText = openTag+reasoning+closeTag+text, true
		} else {
			msg.ReasoningContent = reasoning
		}
	}
	if hasText || len(msg.ToolCalls) == 0 {
		msg.Content = &text
	}
	u := resp.Usage
	return prompt.JSON(completion{ID: resp.ID, Object: "chat.completion", Model: resp.Model,
		Choices: []completionChoice{{Message: msg, FinishReason: wireStop(resp.StopReason)}},
		Usage:   openai.Usage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.InputTokens + u.OutputTokens}})
}

// DecodeResponse reads the family's chat.completion.
func (c Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var cp completion
	if err := json.Unmarshal(body, &cp); err != nil {
		return nil, prompt.Decoded(c.Spec.Family, err)
	}
	if len(cp.Choices) == 0 {
		return nil, prompt.Decoded(c.Spec.Family, errNoChoices)
	}
	ch := cp.Choices[0]
	resp := &rockstream.Response{ID: cp.ID, Model: cp.Model, StopReason: stopReason(ch.FinishReason),
		Message: rockstream.Message{Role: rockstream.RoleAssistant},
		Usage:   rockstream.Usage{InputTokens: cp.Usage.PromptTokens, OutputTokens: cp.Usage.CompletionTokens}}
	reasoning, text := ch.Message.ReasoningContent, ""
	if ch.Message.Content != nil {
		text = *ch.Message.Content
	}
	if c.Spec.Reasoning == ReasoningTags {
		if rest, ok := strings.CutPrefix(text, openTag); ok {
			if r, after, ok := strings.Cut(rest, closeTag); ok {
				reasoning, text = r, after
			}
		}
	}
	if reasoning != "" {
		resp.Message.Content = append(resp.Message.Content, rockstream.Block{Type: rockstream.BlockThinking, Text: reasoning})
	}
	if text != "" || (len(ch.Message.ToolCalls) == 0 && reasoning == "") {
		resp.Message.Content = append(resp.Message.Content, rockstream.Block{Type: rockstream.BlockText, Text: text})
	}
	for _, call := range ch.Message.ToolCalls {
		args := call.Function.Arguments
		if args == "" {
			args = "{}"
		}
		resp.Message.Content = append(resp.Message.Content, rockstream.Block{Type: rockstream.BlockToolUse,
			ToolUseID: call.ID, Name: call.Function.Name, Input: json.RawMessage(args)})
	}
	return resp, nil
}
