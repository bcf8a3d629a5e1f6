package deepseek

import (
	"encoding/json"
	"errors"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// textChunk is one streamed R1 object, and the InvokeModel answer: the
// text generated since the last chunk, and a stop_reason on the last.
type textChunk struct {
	Choices []textChoice               `json:"choices"`
	Metrics *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

type textChoice struct {
	Text       string  `json:"text"`
	StopReason *string `json:"stop_reason"`
}

var errNoChoices = errors.New(`chunk has no "choices"`)

type textDecoder struct {
	open prompt.Opened
	done bool
}

func (d *textDecoder) Done() bool { return d.done }

func (d *textDecoder) Decode(dst []rockstream.Event, data []byte) ([]rockstream.Event, error) {
	if d.done {
		return dst, prompt.AfterEnd(name)
	}
	var c textChunk
	if err := json.Unmarshal(data, &c); err != nil {
		return dst, prompt.Decoded(name, err)
	}
	if len(c.Choices) == 0 {
		return dst, prompt.Decoded(name, errNoChoices)
	}
	ch := c.Choices[0]
	dst = d.open.Start(dst, rockstream.MessageStart{})
	dst = d.open.Text(dst, ch.Text)
	if ch.StopReason == nil {
		return dst, nil
	}
	d.done = true
	dst = d.open.Stop(dst, rockstream.MessageStop{StopReason: stopReason(*ch.StopReason)})
	if c.Metrics != nil {
		dst = append(dst, c.Metrics.Metadata())
	}
	return dst, nil
}

// textEncoder writes R1 chunks. R1 writes its reasoning as text and ends
// it with "</think>", so reasoning events become text the same way.
type textEncoder struct {
	reasoning bool // inside a reasoning block
	fin       prompt.Finish
}

func (e *textEncoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	switch ev := ev.(type) {
	case rockstream.MessageStart, rockstream.SignatureDelta:
	case rockstream.BlockStart:
		switch ev.Type {
		case rockstream.BlockText:
		case rockstream.BlockThinking:
			e.reasoning = true
		default:
			return dst, prompt.NotCarried(name, ev)
		}
	case rockstream.TextDelta:
		return e.chunk(dst, ev.Text, nil, nil)
	case rockstream.ReasoningDelta:
		e.reasoning = true
		return e.chunk(dst, ev.Text, nil, nil)
	case rockstream.BlockStop:
		if e.reasoning {
			e.reasoning = false
			return e.chunk(dst, thinkClose, nil, nil)
		}
	case rockstream.MessageStop, rockstream.Metadata:
		return e.fin.Encode(dst, ev, e.final)
	default:
		return dst, prompt.NotCarried(name, ev)
	}
	return dst, nil
}

func (e *textEncoder) Flush(dst [][]byte) ([][]byte, error) {
	return e.fin.End(dst, e.final)
}

func (e *textEncoder) final(dst [][]byte, stop rockstream.MessageStop, m *dialect.InvocationMetrics) ([][]byte, error) {
	reason := wireStop(stop.StopReason)
	return e.chunk(dst, "", &reason, m)
}

func (e *textEncoder) chunk(dst [][]byte, text string, stop *string, m *dialect.InvocationMetrics) ([][]byte, error) {
	b, err := prompt.JSON(textChunk{Choices: []textChoice{{Text: text, StopReason: stop}}, Metrics: m})
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}

// encodeTextResponse writes resp as R1's InvokeModel answer: reasoning,
// "</think>", then the answer, all in the one text.
func encodeTextResponse(resp *rockstream.Response) ([]byte, error) {
	var text string
	for _, b := range resp.Message.Content {
		switch b.Type {
		case rockstream.BlockText:
			text += b.Text
		case rockstream.BlockThinking:
			text += b.Text + thinkClose
		default:
			return nil, prompt.Unsupported(name, string(b.Type)+" content in an answer")
		}
	}
	reason := wireStop(resp.StopReason)
	return prompt.JSON(textChunk{Choices: []textChoice{{Text: text, StopReason: &reason}}})
}

func decodeTextResponse(body []byte) (*rockstream.Response, error) {
	var c textChunk
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	if len(c.Choices) == 0 {
		return nil, prompt.Decoded(name, errNoChoices)
	}
	resp := &rockstream.Response{Message: rockstream.Message{Role: rockstream.RoleAssistant,
		Content: []rockstream.Block{{Type: rockstream.BlockText, Text: c.Choices[0].Text}}}}
	if s := c.Choices[0].StopReason; s != nil {
		resp.StopReason = stopReason(*s)
	}
	return resp, nil
}
