package llama

import (
	"encoding/json"
	"errors"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// chunk is one streamed Llama object. The first carries the prompt's token
// count; generation_token_count runs cumulatively; the last carries the
// stop reason and the metrics.
type chunk struct {
	Generation           *string                    `json:"generation"`
	PromptTokenCount     *int                       `json:"prompt_token_count"`
	GenerationTokenCount int                        `json:"generation_token_count"`
	StopReason           *string                    `json:"stop_reason"`
	Metrics              *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

var errNotChunk = errors.New(`chunk has no "generation"`)

// NewStreamDecoder returns a decoder for one Llama stream.
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
	if c.Generation == nil {
		return dst, prompt.Decoded(name, errNotChunk)
	}
	if c.PromptTokenCount != nil {
		d.input = *c.PromptTokenCount
	}
	dst = d.open.Start(dst, rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: d.input}})
	dst = d.open.Text(dst, *c.Generation)
	if c.StopReason == nil {
		return dst, nil
	}
	d.done = true
	dst = d.open.Stop(dst, rockstream.MessageStop{StopReason: stopReason(*c.StopReason)})
	if c.Metrics != nil {
		return append(dst, c.Metrics.Metadata()), nil
	}
	return append(dst, rockstream.Metadata{Usage: rockstream.Usage{InputTokens: d.input, OutputTokens: c.GenerationTokenCount}}), nil
}

// NewStreamEncoder returns an encoder for one Llama stream.
func (Codec) NewStreamEncoder() dialect.StreamEncoder { return &encoder{} }

type encoder struct {
	input, generated int
	sent             bool
	fin              prompt.Finish
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
		e.generated++
		return e.chunk(dst, chunk{Generation: &ev.Text})
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
	empty, reason := "", wireStop(stop.StopReason)
	if m != nil {
		e.generated = m.OutputTokenCount
	}
	return e.chunk(dst, chunk{Generation: &empty, StopReason: &reason, Metrics: m})
}

func (e *encoder) chunk(dst [][]byte, c chunk) ([][]byte, error) {
	if !e.sent {
		e.sent = true
		c.PromptTokenCount = &e.input
	}
	c.GenerationTokenCount = e.generated
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}
