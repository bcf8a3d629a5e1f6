package titan

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// chunk is one streamed Titan object. The first carries the prompt's token
// count; the last the completion reason, output token total and metrics.
type chunk struct {
	OutputText                *string                    `json:"outputText"`
	Index                     int                        `json:"index"`
	TotalOutputTextTokenCount *int                       `json:"totalOutputTextTokenCount"`
	CompletionReason          *string                    `json:"completionReason"`
	InputTextTokenCount       *int                       `json:"inputTextTokenCount"`
	Metrics                   *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

// NewStreamDecoder returns a decoder for one Titan stream.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return &decoder{} }

type decoder struct {
	open  prompt.Opened
	input int
	done  bool
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
	if c.OutputText == nil && c.CompletionReason == nil {
		return dst, prompt.Decoded(name, errNotChunk)
	}
	if c.InputTextTokenCount != nil {
		d.input = *c.InputTextTokenCount
	}
	dst = d.open.Start(dst, rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: d.input}})
	if c.OutputText != nil {
		dst = d.open.Text(dst, *c.OutputText)
	}
	if c.CompletionReason == nil {
		return dst, nil
	}
	d.done = true
	dst = d.open.Stop(dst, rockstream.MessageStop{StopReason: stopReason(*c.CompletionReason)})
	switch {
	case c.Metrics != nil:
		dst = append(dst, c.Metrics.Metadata())
	case c.TotalOutputTextTokenCount != nil:
		dst = append(dst, rockstream.Metadata{Usage: rockstream.Usage{InputTokens: d.input, OutputTokens: *c.TotalOutputTextTokenCount}})
	}
	return dst, nil
}

// NewStreamEncoder returns an encoder for one Titan stream.
func (Codec) NewStreamEncoder() dialect.StreamEncoder { return &encoder{} }

type encoder struct {
	input int
	sent  bool // a chunk has gone out, so later ones leave inputTextTokenCount null
	fin   prompt.Finish
}

func (e *encoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		e.input = ev.Usage.InputTokens
	case rockstream.BlockStart:
		if ev.Type != rockstream.BlockText {
			return dst, prompt.NotCarried(name, ev)
		}
	case rockstream.BlockStop:
	case rockstream.TextDelta:
		return e.chunk(dst, chunk{OutputText: &ev.Text})
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
	empty, reason := "", completionReason(stop.StopReason)
	c := chunk{OutputText: &empty, CompletionReason: &reason, Metrics: m}
	if m != nil {
		c.TotalOutputTextTokenCount = &m.OutputTokenCount
	}
	return e.chunk(dst, c)
}

func (e *encoder) chunk(dst [][]byte, c chunk) ([][]byte, error) {
	if !e.sent {
		e.sent = true
		c.InputTextTokenCount = &e.input
	}
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}
