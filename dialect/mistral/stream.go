package mistral

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// chunk is one streamed Mistral object in either form; the last carries a
// stop_reason and the metrics.
type chunk struct {
	Outputs []output                   `json:"outputs,omitempty"`
	Choices []choice                   `json:"choices,omitempty"`
	Metrics *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

type output struct {
	Text       string  `json:"text"`
	StopReason *string `json:"stop_reason"`
}

type choice struct {
	Index      int         `json:"index"`
	Message    chatMessage `json:"message"`
	StopReason *string     `json:"stop_reason"`
}

// NewStreamDecoder returns a decoder for one Mistral stream of either form.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return &decoder{text: -1} }

type decoder struct {
	started bool
	text    int // index of the open text block, -1 when none
	next    int // index of the next block
	done    bool
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
	var text string
	var calls []toolCall
	var stop *string
	switch {
	case len(c.Outputs) > 0:
		text, stop = c.Outputs[0].Text, c.Outputs[0].StopReason
	case len(c.Choices) > 0:
		ch := c.Choices[0]
		text, calls, stop = ch.Message.Content, ch.Message.ToolCalls, ch.StopReason
	default:
		return dst, prompt.Decoded(name, errNotChunk)
	}
	if !d.started {
		d.started = true
		dst = append(dst, rockstream.MessageStart{})
	}
	if text != "" {
		if d.text < 0 {
			d.text, d.next = d.next, d.next+1
		}
		dst = append(dst, rockstream.TextDelta{Index: d.text, Text: text})
	}
	for _, call := range calls {
		dst = d.closeText(dst)
		i := d.next
		d.next++
		dst = append(dst, rockstream.BlockStart{Index: i, Type: rockstream.BlockToolUse, ToolUseID: call.ID, Name: call.Function.Name},
			rockstream.ToolInputDelta{Index: i, PartialJSON: call.Function.Arguments}, rockstream.BlockStop{Index: i})
	}
	if stop == nil {
		return dst, nil
	}
	d.done = true
	dst = append(d.closeText(dst), rockstream.MessageStop{StopReason: stopReason(*stop)})
	if c.Metrics != nil {
		dst = append(dst, c.Metrics.Metadata())
	}
	return dst, nil
}

func (d *decoder) closeText(dst []rockstream.Event) []rockstream.Event {
	if d.text >= 0 {
		dst = append(dst, rockstream.BlockStop{Index: d.text})
		d.text = -1
	}
	return dst
}

// NewStreamEncoder returns an encoder for one stream in c's form.
func (c Codec) NewStreamEncoder() dialect.StreamEncoder { return &encoder{chat: c.Chat} }

type encoder struct {
	chat bool
	call *toolCall // the tool call being gathered, chat form only
	fin  prompt.Finish
}

func (e *encoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	switch ev := ev.(type) {
	case rockstream.MessageStart:
	case rockstream.BlockStart:
		switch {
		case ev.Type == rockstream.BlockText:
		case ev.Type == rockstream.BlockToolUse && e.chat:
			e.call = &toolCall{ID: ev.ToolUseID, Function: function{Name: ev.Name}}
		default:
			return dst, prompt.NotCarried(name, ev)
		}
	case rockstream.ToolInputDelta:
		if e.call == nil {
			return dst, prompt.NotCarried(name, ev)
		}
		e.call.Function.Arguments += ev.PartialJSON
	case rockstream.BlockStop:
		if call := e.call; call != nil {
			e.call = nil
			if call.Function.Arguments == "" {
				call.Function.Arguments = "{}"
			}
			return e.chunk(dst, chatMessage{Role: "assistant", ToolCalls: []toolCall{*call}}, nil, nil)
		}
	case rockstream.TextDelta:
		return e.chunk(dst, chatMessage{Role: "assistant", Content: ev.Text}, nil, nil)
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
	reason := wireStop(stop.StopReason)
	return e.chunk(dst, chatMessage{Role: "assistant"}, &reason, m)
}

func (e *encoder) chunk(dst [][]byte, msg chatMessage, stop *string, m *dialect.InvocationMetrics) ([][]byte, error) {
	c := chunk{Metrics: m}
	if e.chat {
		c.Choices = []choice{{Message: msg, StopReason: stop}}
	} else {
		c.Outputs = []output{{Text: msg.Content, StopReason: stop}}
	}
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}
