package nova

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// chunk is one streamed Nova object: exactly one event member, plus the
// invocation metrics on the last (metadata) chunk.
type chunk struct {
	MessageStart      *messageStart              `json:"messageStart,omitempty"`
	ContentBlockStart *blockStart                `json:"contentBlockStart,omitempty"`
	ContentBlockDelta *blockDelta                `json:"contentBlockDelta,omitempty"`
	ContentBlockStop  *blockIndex                `json:"contentBlockStop,omitempty"`
	MessageStop       *messageStop               `json:"messageStop,omitempty"`
	Metadata          *metadata                  `json:"metadata,omitempty"`
	Metrics           *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

type messageStart struct {
	Role string `json:"role"`
}

type blockIndex struct {
	ContentBlockIndex int `json:"contentBlockIndex"`
}

type blockStart struct {
	Start struct {
		ToolUse *struct {
			ToolUseID string `json:"toolUseId"`
			Name      string `json:"name"`
		} `json:"toolUse,omitempty"`
	} `json:"start"`
	ContentBlockIndex int `json:"contentBlockIndex"`
}

type blockDelta struct {
	Delta struct {
		Text    *string `json:"text,omitempty"`
		ToolUse *struct {
			Input string `json:"input"`
		} `json:"toolUse,omitempty"`
		ReasoningContent *struct {
			Text      *string `json:"text,omitempty"`
			Signature *string `json:"signature,omitempty"`
		} `json:"reasoningContent,omitempty"`
	} `json:"delta"`
	ContentBlockIndex int `json:"contentBlockIndex"`
}

type messageStop struct {
	StopReason string `json:"stopReason"`
}

type metadata struct {
	Usage   *usage          `json:"usage,omitempty"`
	Metrics json.RawMessage `json:"metrics,omitempty"`
	Trace   json.RawMessage `json:"trace,omitempty"`
}

// NewStreamDecoder returns a decoder for one Nova stream.
func (Codec) NewStreamDecoder() dialect.StreamDecoder { return &decoder{} }

type decoder struct {
	done, meta bool
}

// Done reports whether messageStop has arrived; the metadata chunk that
// follows it adds usage but is not needed for a complete answer.
func (d *decoder) Done() bool { return d.done }

func (d *decoder) Decode(dst []rockstream.Event, data []byte) ([]rockstream.Event, error) {
	if d.meta {
		return dst, prompt.AfterEnd(name)
	}
	var c chunk
	if err := json.Unmarshal(data, &c); err != nil {
		return dst, prompt.Decoded(name, err)
	}
	if d.done && c.Metadata == nil {
		return dst, prompt.AfterEnd(name)
	}
	switch {
	case c.MessageStart != nil:
		return append(dst, rockstream.MessageStart{}), nil
	case c.ContentBlockStart != nil:
		s := c.ContentBlockStart
		if s.Start.ToolUse == nil {
			return dst, prompt.Decoded(name, errNotChunk)
		}
		return append(dst, rockstream.BlockStart{Index: s.ContentBlockIndex, Type: rockstream.BlockToolUse,
			ToolUseID: s.Start.ToolUse.ToolUseID, Name: s.Start.ToolUse.Name}), nil
	case c.ContentBlockDelta != nil:
		return decodeDelta(dst, c.ContentBlockDelta)
	case c.ContentBlockStop != nil:
		return append(dst, rockstream.BlockStop{Index: c.ContentBlockStop.ContentBlockIndex}), nil
	case c.MessageStop != nil:
		d.done = true
		return append(dst, rockstream.MessageStop{StopReason: rockstream.StopReason(c.MessageStop.StopReason)}), nil
	case c.Metadata != nil:
		d.meta = true
		m := rockstream.Metadata{}
		if c.Metrics != nil {
			m = c.Metrics.Metadata()
		}
		if c.Metadata.Usage != nil {
			m.Usage = c.Metadata.Usage.neutral()
		}
		return append(dst, m), nil
	}
	return dst, prompt.Decoded(name, errNotChunk)
}

func decodeDelta(dst []rockstream.Event, d *blockDelta) ([]rockstream.Event, error) {
	i := d.ContentBlockIndex
	switch r := d.Delta.ReasoningContent; {
	case d.Delta.Text != nil:
		return append(dst, rockstream.TextDelta{Index: i, Text: *d.Delta.Text}), nil
	case d.Delta.ToolUse != nil:
		return append(dst, rockstream.ToolInputDelta{Index: i, PartialJSON: d.Delta.ToolUse.Input}), nil
	case r != nil && r.Text != nil:
		return append(dst, rockstream.ReasoningDelta{Index: i, Text: *r.Text}), nil
	case r != nil && r.Signature != nil:
		return append(dst, rockstream.SignatureDelta{Index: i, Signature: *r.Signature}), nil
	}
	return dst, prompt.Decoded(name, errNotChunk)
}

// NewStreamEncoder returns an encoder for one Nova stream. Each event is
// its own chunk; Metadata becomes the last, carrying the metrics.
func (Codec) NewStreamEncoder() dialect.StreamEncoder { return encoder{} }

type encoder struct{}

func (encoder) Flush(dst [][]byte) ([][]byte, error) { return dst, nil }

func (encoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	var c chunk
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		c.MessageStart = &messageStart{Role: "assistant"}
	case rockstream.BlockStart:
		switch ev.Type {
		case rockstream.BlockText, rockstream.BlockThinking:
			return dst, nil
		case rockstream.BlockToolUse:
			c.ContentBlockStart = &blockStart{ContentBlockIndex: ev.Index}
			c.ContentBlockStart.Start.ToolUse = &struct {
				ToolUseID string `json:"toolUseId"`
				Name      string `json:"name"`
			}{ev.ToolUseID, ev.Name}
		default:
			return dst, prompt.NotCarried(name, ev)
		}
	case rockstream.TextDelta:
		c.ContentBlockDelta = &blockDelta{ContentBlockIndex: ev.Index}
		c.ContentBlockDelta.Delta.Text = &ev.Text
	case rockstream.ToolInputDelta:
		c.ContentBlockDelta = &blockDelta{ContentBlockIndex: ev.Index}
		c.ContentBlockDelta.Delta.ToolUse = &struct {
			Input string `json:"input"`
		}{ev.PartialJSON}
	case rockstream.ReasoningDelta:
		c.ContentBlockDelta = reasoningDelta(ev.Index, &ev.Text, nil)
	case rockstream.SignatureDelta:
		c.ContentBlockDelta = reasoningDelta(ev.Index, nil, &ev.Signature)
	case rockstream.BlockStop:
		c.ContentBlockStop = &blockIndex{ContentBlockIndex: ev.Index}
	case rockstream.MessageStop:
		c.MessageStop = &messageStop{StopReason: string(ev.StopReason)}
	case rockstream.Metadata:
		u := wireUsage(ev.Usage)
		c.Metadata = &metadata{Usage: &u, Metrics: json.RawMessage("{}"), Trace: json.RawMessage("{}")}
		c.Metrics = dialect.NewInvocationMetrics(ev)
	default:
		return dst, prompt.NotCarried(name, ev)
	}
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}

func reasoningDelta(i int, text, sig *string) *blockDelta {
	d := &blockDelta{ContentBlockIndex: i}
	d.Delta.ReasoningContent = &struct {
		Text      *string `json:"text,omitempty"`
		Signature *string `json:"signature,omitempty"`
	}{text, sig}
	return d
}
