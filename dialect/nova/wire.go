package nova

import (
	"encoding/json"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// The messages-v1 shapes, shared by requests and responses.

type message struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

type textBlock struct {
	Text string `json:"text"`
}

// block is a content block: exactly one member is set.
type block struct {
	Text             *string     `json:"text,omitempty"`
	Image            *image      `json:"image,omitempty"`
	ToolUse          *toolUse    `json:"toolUse,omitempty"`
	ToolResult       *toolResult `json:"toolResult,omitempty"`
	ReasoningContent *reasoning  `json:"reasoningContent,omitempty"`
}

type image struct {
	Format string `json:"format"`
	Source struct {
		Bytes []byte `json:"bytes"`
	} `json:"source"`
}

type toolUse struct {
	ToolUseID string          `json:"toolUseId"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
}

type toolResult struct {
	ToolUseID string          `json:"toolUseId"`
	Content   []resultContent `json:"content"`
	Status    string          `json:"status,omitempty"`
}

type resultContent struct {
	Text *string         `json:"text,omitempty"`
	JSON json.RawMessage `json:"json,omitempty"`
}

type reasoning struct {
	ReasoningText *reasoningText `json:"reasoningText,omitempty"`
}

type reasoningText struct {
	Text      string `json:"text"`
	Signature string `json:"signature,omitempty"`
}

// toWire converts one neutral block.
func toWire(b rockstream.Block) (block, error) {
	switch b.Type {
	case rockstream.BlockText:
		return block{Text: &b.Text}, nil
	case rockstream.BlockImage:
		if b.Image == nil {
			return block{}, prompt.Unsupported(name, "an image block without an image")
		}
		img := &image{Format: strings.TrimPrefix(b.Image.MediaType, "image/")}
		img.Source.Bytes = b.Image.Data
		return block{Image: img}, nil
	case rockstream.BlockToolUse:
		in := b.Input
		if len(in) == 0 {
			in = json.RawMessage("{}")
		}
		return block{ToolUse: &toolUse{ToolUseID: b.ToolUseID, Name: b.Name, Input: in}}, nil
	case rockstream.BlockToolResult:
		tr := &toolResult{ToolUseID: b.ToolUseID, Content: []resultContent{}}
		if b.IsError {
			tr.Status = "error"
		}
		for _, c := range b.Content {
			if c.Type != rockstream.BlockText {
				return block{}, prompt.Unsupported(name, string(c.Type)+" content in a tool result")
			}
			tr.Content = append(tr.Content, resultContent{Text: &c.Text})
		}
		return block{ToolResult: tr}, nil
	case rockstream.BlockThinking:
		return block{ReasoningContent: &reasoning{ReasoningText: &reasoningText{Text: b.Text, Signature: b.Signature}}}, nil
	}
	return block{}, prompt.Unsupported(name, string(b.Type)+" content")
}

// fromWire converts one wire block; DecodeRequest has checked its shape.
func fromWire(w block) rockstream.Block {
	switch {
	case w.Text != nil:
		return rockstream.Block{Type: rockstream.BlockText, Text: *w.Text}
	case w.Image != nil:
		return rockstream.Block{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/" + w.Image.Format, Data: w.Image.Source.Bytes}}
	case w.ToolUse != nil:
		return rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: w.ToolUse.ToolUseID, Name: w.ToolUse.Name, Input: w.ToolUse.Input}
	case w.ToolResult != nil:
		b := rockstream.Block{Type: rockstream.BlockToolResult, ToolUseID: w.ToolResult.ToolUseID, IsError: w.ToolResult.Status == "error"}
		for _, c := range w.ToolResult.Content {
			text := string(c.JSON)
			if c.Text != nil {
				text = *c.Text
			}
			b.Content = append(b.Content, rockstream.Block{Type: rockstream.BlockText, Text: text})
		}
		return b
	case w.ReasoningContent != nil && w.ReasoningContent.ReasoningText != nil:
		r := w.ReasoningContent.ReasoningText
		return rockstream.Block{Type: rockstream.BlockThinking, Text: r.Text, Signature: r.Signature}
	}
	return rockstream.Block{Type: rockstream.BlockText}
}

func toWireMessage(m rockstream.Message) (message, error) {
	out := message{Role: string(m.Role), Content: make([]block, 0, len(m.Content))}
	for _, b := range m.Content {
		w, err := toWire(b)
		if err != nil {
			return message{}, err
		}
		out.Content = append(out.Content, w)
	}
	return out, nil
}

func fromWireMessage(m message) rockstream.Message {
	out := rockstream.Message{Role: rockstream.Role(m.Role)}
	for _, b := range m.Content {
		out.Content = append(out.Content, fromWire(b))
	}
	return out
}
