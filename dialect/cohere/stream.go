package cohere

import (
	"encoding/json"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// chunk is one streamed Cohere object of either form. Legacy chunks have
// no event_type; Command R's final "stream-end" chunk carries the whole
// response with billed token counts.
type chunk struct {
	IsFinished   *bool                      `json:"is_finished"`
	EventType    string                     `json:"event_type,omitempty"`
	GenerationID string                     `json:"generation_id,omitempty"`
	Text         *string                    `json:"text,omitempty"`
	FinishReason string                     `json:"finish_reason,omitempty"`
	Response     *chatResponse              `json:"response,omitempty"`
	Metrics      *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

type chatResponse struct {
	ResponseID   string     `json:"response_id,omitempty"`
	Text         string     `json:"text"`
	GenerationID string     `json:"generation_id,omitempty"`
	ChatHistory  []turnJSON `json:"chat_history,omitempty"`
	FinishReason string     `json:"finish_reason"`
	Meta         *meta      `json:"meta,omitempty"`
}

type meta struct {
	BilledUnits struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	} `json:"billed_units"`
}

// NewStreamDecoder returns a decoder for one stream of either form.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return &decoder{} }

type decoder struct {
	open prompt.Opened
	done bool
}

func (d *decoder) Done() bool { return d.done }

func (d *decoder) Decode(dst []rockstream.Event, data []byte) ([]rockstream.Event, error) {
	if d.done {
		return dst, prompt.AfterEnd(name)
	}
	var c chunk
	if err := json.Unmarshal(data, &c); err != nil {
		return dst, prompt.Decoded(name, err)
	}
	if c.IsFinished == nil && c.EventType == "" {
		return dst, prompt.Decoded(name, errNotChunk)
	}
	dst = d.open.Start(dst, rockstream.MessageStart{ID: c.GenerationID})
	if c.Text != nil && (c.EventType == "" || c.EventType == "text-generation") {
		dst = d.open.Text(dst, *c.Text)
	}
	if c.IsFinished == nil || !*c.IsFinished {
		return dst, nil // stream-start, text, and events rockstream does not carry (citations, search queries)
	}
	reason, ok := stopReason(c.FinishReason)
	if !ok {
		return dst, modelError()
	}
	d.done = true
	dst = d.open.Stop(dst, rockstream.MessageStop{StopReason: reason})
	switch {
	case c.Metrics != nil:
		dst = append(dst, c.Metrics.Metadata())
	case c.Response != nil && c.Response.Meta != nil:
		u := c.Response.Meta.BilledUnits
		dst = append(dst, rockstream.Metadata{Usage: rockstream.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}})
	}
	return dst, nil
}

// NewStreamEncoder returns an encoder for one stream in c's form.
func (c Codec) NewStreamEncoder() dialect.StreamEncoder { return &encoder{chat: c.Chat} }

type encoder struct {
	chat bool
	id   string
	text strings.Builder // the answer so far, for stream-end's response
	fin  prompt.Finish
}

var notFinished = new(bool)

func (e *encoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		e.id = ev.ID
		if e.chat {
			return e.chunk(dst, chunk{IsFinished: notFinished, EventType: "stream-start", GenerationID: ev.ID})
		}
	case rockstream.BlockStart:
		if ev.Type != rockstream.BlockText {
			return dst, prompt.NotCarried(name, ev)
		}
	case rockstream.BlockStop:
	case rockstream.TextDelta:
		e.text.WriteString(ev.Text)
		c := chunk{IsFinished: notFinished, Text: &ev.Text}
		if e.chat {
			c.EventType = "text-generation"
		}
		return e.chunk(dst, c)
	case rockstream.MessageStop, rockstream.Metadata:
		return e.fin.Encode(dst, ev, e.final)
	default:
		return dst, prompt.NotCarried(name, ev)
	}
	return dst, nil
}

func (e *encoder) Flush(dst [][]byte) ([][]byte, error) {
	return e.fin.End(dst, e.final)
}

func (e *encoder) final(dst [][]byte, stop rockstream.MessageStop, m *dialect.InvocationMetrics) ([][]byte, error) {
	finished := true
	c := chunk{IsFinished: &finished, FinishReason: finishReason(stop.StopReason, e.chat), Metrics: m}
	if e.chat {
		c.EventType = "stream-end"
		c.Response = &chatResponse{Text: e.text.String(), GenerationID: e.id, FinishReason: c.FinishReason}
		if m != nil {
			c.Response.Meta = &meta{}
			c.Response.Meta.BilledUnits.InputTokens, c.Response.Meta.BilledUnits.OutputTokens = m.InputTokenCount, m.OutputTokenCount
		}
	}
	return e.chunk(dst, c)
}

func (e *encoder) chunk(dst [][]byte, c chunk) ([][]byte, error) {
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}
