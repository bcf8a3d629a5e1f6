package anthropic

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
)

// wireChunk is any Messages stream event; which fields are set depends on
// Type.
type wireChunk struct {
	Type         string                     `json:"type"`
	Index        *int                       `json:"index"`
	Message      *wireMessageBody           `json:"message"`
	ContentBlock *wireBlock                 `json:"content_block"`
	Delta        *wireDelta                 `json:"delta"`
	Usage        *wireUsage                 `json:"usage"`
	Metrics      *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics"`
	Error        *wireError                 `json:"error"`
}

// wireDelta is the delta of content_block_delta or message_delta.
type wireDelta struct {
	Type         string  `json:"type,omitempty"`
	Text         string  `json:"text,omitempty"`
	PartialJSON  *string `json:"partial_json,omitempty"`
	Thinking     string  `json:"thinking,omitempty"`
	Signature    string  `json:"signature,omitempty"`
	StopReason   *string `json:"stop_reason,omitempty"`
	StopSequence *string `json:"stop_sequence,omitempty"`
}

type wireError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// StreamDecoder turns Messages stream events (Bedrock chunk JSON or
// first-party SSE data) into neutral events. It checks that each chunk can
// follow the ones before it: one message_start first, deltas only inside
// an open block of their kind, nothing after message_stop.
type StreamDecoder struct {
	started, stopped, done bool
	reflectOnly            bool // tests compare the fast path against encoding/json
	open                   map[int]rockstream.BlockType
	startUsage             rockstream.Usage
	outputTokens           int
}

// NewStreamDecoder returns a decoder for one stream.
func NewStreamDecoder() *StreamDecoder {
	return &StreamDecoder{open: make(map[int]rockstream.BlockType, 2)}
}

// Done reports whether message_stop has been decoded.
func (d *StreamDecoder) Done() bool { return d.done }

// Decode appends the events chunk carries to dst. A "ping" carries none;
// an "error" chunk is returned as a *rockstream.Error.
func (d *StreamDecoder) Decode(dst []rockstream.Event, chunk []byte) ([]rockstream.Event, error) {
	if !d.reflectOnly {
		if i, delta, ok := parseFastDelta(chunk); ok {
			if err := d.admit("content_block_delta"); err != nil {
				return dst, err
			}
			return d.blockDelta(dst, i, delta)
		}
		if c, ok := decodeChunkFast(chunk); ok {
			return d.decode(dst, &c)
		}
	}
	var c wireChunk
	if err := json.Unmarshal(chunk, &c); err != nil {
		return dst, fmt.Errorf("anthropic: malformed chunk: %w", err)
	}
	return d.decode(dst, &c)
}

// decode checks that c can follow the chunks before it and appends its
// events.
func (d *StreamDecoder) decode(dst []rockstream.Event, c *wireChunk) ([]rockstream.Event, error) {
	if c.Type == "ping" {
		return dst, nil
	}
	if c.Type == "error" {
		e := streamError(c.Error)
		return dst, e
	}
	if err := d.admit(c.Type); err != nil {
		return dst, err
	}
	switch c.Type {
	case "message_start":
		return d.messageStart(dst, c)
	case "content_block_start":
		return d.blockStart(dst, c)
	case "content_block_delta":
		i, err := d.index(c)
		if err != nil {
			return dst, err
		}
		if c.Delta == nil {
			return dst, fmt.Errorf("anthropic: content_block_delta without delta")
		}
		return d.blockDelta(dst, i, *c.Delta)
	case "content_block_stop":
		i, err := d.index(c)
		if err != nil {
			return dst, err
		}
		delete(d.open, i)
		return append(dst, rockstream.BlockStop{Index: i}), nil
	case "message_delta":
		if c.Delta == nil {
			return dst, fmt.Errorf("anthropic: message_delta without delta")
		}
		if d.stopped {
			return dst, fmt.Errorf("anthropic: second message_delta")
		}
		d.stopped = true
		if c.Usage != nil {
			d.outputTokens = c.Usage.OutputTokens
		}
		stop := rockstream.MessageStop{}
		if c.Delta.StopReason != nil {
			stop.StopReason = rockstream.StopReason(*c.Delta.StopReason)
		}
		if c.Delta.StopSequence != nil {
			stop.StopSequence = *c.Delta.StopSequence
		}
		return append(dst, stop), nil
	case "message_stop":
		d.done = true
		if !d.stopped {
			dst = append(dst, rockstream.MessageStop{StopReason: rockstream.StopEndTurn})
		}
		return append(dst, d.metadata(c.Metrics)), nil
	case "":
		return dst, fmt.Errorf("anthropic: chunk without a type")
	}
	// Later API versions add event types; skipping them keeps streams going.
	return dst, nil
}

func (d *StreamDecoder) messageStart(dst []rockstream.Event, c *wireChunk) ([]rockstream.Event, error) {
	if d.started {
		return dst, fmt.Errorf("anthropic: second message_start")
	}
	if c.Message == nil {
		return dst, fmt.Errorf("anthropic: message_start without message")
	}
	d.started = true
	u := c.Message.Usage
	d.startUsage = rockstream.Usage{
		InputTokens:           u.InputTokens,
		OutputTokens:          u.OutputTokens,
		CacheReadInputTokens:  u.CacheReadInputTokens,
		CacheWriteInputTokens: u.CacheCreationInputTokens,
	}
	return append(dst, rockstream.MessageStart{ID: c.Message.ID, Model: c.Message.Model, Usage: d.startUsage}), nil
}

func (d *StreamDecoder) blockStart(dst []rockstream.Event, c *wireChunk) ([]rockstream.Event, error) {
	i, err := d.index(c)
	if err != nil {
		return dst, err
	}
	b := c.ContentBlock
	if b == nil {
		return dst, fmt.Errorf("anthropic: content_block_start without content_block")
	}
	if _, ok := d.open[i]; ok {
		return dst, fmt.Errorf("anthropic: block %d started twice", i)
	}
	ev := rockstream.BlockStart{Index: i, Type: rockstream.BlockType(b.Type)}
	switch ev.Type {
	case rockstream.BlockText, rockstream.BlockThinking:
	case rockstream.BlockToolUse:
		ev.ToolUseID, ev.Name = b.ID, b.Name
	case rockstream.BlockRedactedThinking:
		ev.Data = b.Data
	default:
		return dst, fmt.Errorf("anthropic: unsupported content block type %q", b.Type)
	}
	d.open[i] = ev.Type
	dst = append(dst, ev)
	// A start block normally arrives empty; keep any content it carries.
	if b.Text != nil && *b.Text != "" {
		dst = append(dst, rockstream.TextDelta{Index: i, Text: *b.Text})
	}
	if b.Thinking != nil && *b.Thinking != "" {
		dst = append(dst, rockstream.ReasoningDelta{Index: i, Text: *b.Thinking})
	}
	return dst, nil
}

// admit checks that a chunk of type typ may come now: after message_start
// and before the end.
func (d *StreamDecoder) admit(typ string) error {
	if d.done {
		return fmt.Errorf("anthropic: %q chunk after message_stop", typ)
	}
	if typ != "message_start" && !d.started {
		return fmt.Errorf("anthropic: %q chunk before message_start", typ)
	}
	return nil
}

func (d *StreamDecoder) blockDelta(dst []rockstream.Event, i int, delta wireDelta) ([]rockstream.Event, error) {
	typ, ok := d.open[i]
	if !ok {
		return dst, fmt.Errorf("anthropic: delta for block %d, which is not open", i)
	}
	want := deltaBlockType(delta.Type)
	if want == "" {
		return dst, nil // citations_delta and later kinds carry nothing neutral
	}
	if want != typ {
		return dst, fmt.Errorf("anthropic: %s in %s block %d", delta.Type, typ, i)
	}
	switch delta.Type {
	case "text_delta":
		return append(dst, rockstream.TextDelta{Index: i, Text: delta.Text}), nil
	case "input_json_delta":
		var s string
		if delta.PartialJSON != nil {
			s = *delta.PartialJSON
		}
		return append(dst, rockstream.ToolInputDelta{Index: i, PartialJSON: s}), nil
	case "thinking_delta":
		return append(dst, rockstream.ReasoningDelta{Index: i, Text: delta.Thinking}), nil
	}
	return append(dst, rockstream.SignatureDelta{Index: i, Signature: delta.Signature}), nil
}

func (d *StreamDecoder) index(c *wireChunk) (int, error) {
	if c.Index == nil || *c.Index < 0 {
		return 0, fmt.Errorf("anthropic: %s without a valid index", c.Type)
	}
	return *c.Index, nil
}

// metadata builds the final event: token counts from Bedrock's invocation
// metrics when present, else from message_start and message_delta.
func (d *StreamDecoder) metadata(m *dialect.InvocationMetrics) rockstream.Metadata {
	md := rockstream.Metadata{Usage: d.startUsage}
	md.Usage.OutputTokens = d.outputTokens
	if m != nil {
		im := m.Metadata()
		md.Metrics = im.Metrics
		md.Usage.InputTokens = im.Usage.InputTokens
		md.Usage.OutputTokens = im.Usage.OutputTokens
	}
	return md
}

// deltaBlockType is the block type a content delta belongs in; empty for
// deltas without a neutral counterpart.
func deltaBlockType(delta string) rockstream.BlockType {
	switch delta {
	case "text_delta":
		return rockstream.BlockText
	case "input_json_delta":
		return rockstream.BlockToolUse
	case "thinking_delta", "signature_delta":
		return rockstream.BlockThinking
	}
	return ""
}
