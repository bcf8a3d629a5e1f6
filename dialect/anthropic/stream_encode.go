package anthropic

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
)

// chunk is one encoded stream event and its type, which the first-party
// SSE stream uses as the event name.
type chunk struct {
	typ  string
	data []byte
}

// eventEncoder is the state machine behind StreamEncoder and SSEEncoder.
// It holds MessageStop until Metadata so that message_delta carries the
// output tokens and message_stop the invocation metrics, as Bedrock sends
// them.
type eventEncoder struct {
	bedrock  bool // msg_bdrk_ IDs and invocation metrics in message_stop
	started  bool
	finished bool
	blocks   map[int]blockState
	held     *rockstream.MessageStop
	out      []chunk
}

type blockState struct {
	typ    rockstream.BlockType
	closed bool
}

func newEventEncoder(bedrock bool) eventEncoder {
	return eventEncoder{bedrock: bedrock, blocks: make(map[int]blockState, 2)}
}

type (
	messageStartChunk struct {
		Type    string          `json:"type"`
		Message wireMessageBody `json:"message"`
	}
	blockStartChunk struct {
		Type         string    `json:"type"`
		Index        int       `json:"index"`
		ContentBlock wireBlock `json:"content_block"`
	}
	blockStopChunk struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	messageDeltaChunk struct {
		Type  string      `json:"type"`
		Delta stopDelta   `json:"delta"`
		Usage outputUsage `json:"usage"`
	}
	stopDelta struct {
		StopReason   *string `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	}
	outputUsage struct {
		OutputTokens int `json:"output_tokens"`
		// The prompt cache's tokens, repeated from message_start when
		// a cache point was used, as Anthropic's message_delta has them.
		CacheCreationInputTokens int `json:"cache_creation_input_tokens,omitempty"`
		CacheReadInputTokens     int `json:"cache_read_input_tokens,omitempty"`
	}
	messageStopChunk struct {
		Type    string                     `json:"type"`
		Metrics *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
	}
)

func (e *eventEncoder) emit(typ string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("anthropic: encoding %s: %w", typ, err)
	}
	e.out = append(e.out, chunk{typ: typ, data: b})
	return nil
}

// emitDelta adds a content_block_delta chunk, written without reflection
// (the same bytes json.Marshal gives; see delta_fast_test.go): deltas are nearly every
// chunk of a stream. Each chunk gets its own slice, since callers may keep
// it.
func (e *eventEncoder) emitDelta(index int, kind, s string) error {
	b := make([]byte, 0, len(deltaPrefix)+len(deltaType)+len(kind)+len(s)+32)
	e.out = append(e.out, chunk{typ: "content_block_delta", data: appendDeltaChunk(b, index, kind, s)})
	return nil
}

// encode appends the chunks for ev to e.out.
func (e *eventEncoder) encode(ev rockstream.Event) error {
	if e.finished {
		return fmt.Errorf("anthropic: %T after the end of the message", ev)
	}
	if _, ok := ev.(rockstream.MessageStart); !ok && !e.started {
		if err := e.messageStart(rockstream.MessageStart{}); err != nil {
			return err
		}
	}
	if e.held != nil {
		if _, ok := ev.(rockstream.Metadata); !ok {
			return fmt.Errorf("anthropic: %T after MessageStop", ev)
		}
	}
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		if e.started {
			return fmt.Errorf("anthropic: second MessageStart")
		}
		return e.messageStart(ev)
	case rockstream.BlockStart:
		if _, ok := e.blocks[ev.Index]; ok {
			return fmt.Errorf("anthropic: block %d started twice", ev.Index)
		}
		return e.blockStart(ev)
	case rockstream.TextDelta:
		if err := e.ensureBlock(ev.Index, rockstream.BlockText); err != nil {
			return err
		}
		return e.emitDelta(ev.Index, "text_delta", ev.Text)
	case rockstream.ToolInputDelta:
		if b, ok := e.blocks[ev.Index]; !ok || b.typ != rockstream.BlockToolUse || b.closed {
			return fmt.Errorf("anthropic: tool input for block %d, which is not an open tool_use block", ev.Index)
		}
		return e.emitDelta(ev.Index, "input_json_delta", ev.PartialJSON)
	case rockstream.ReasoningDelta:
		if err := e.ensureBlock(ev.Index, rockstream.BlockThinking); err != nil {
			return err
		}
		return e.emitDelta(ev.Index, "thinking_delta", ev.Text)
	case rockstream.SignatureDelta:
		if err := e.ensureBlock(ev.Index, rockstream.BlockThinking); err != nil {
			return err
		}
		return e.emitDelta(ev.Index, "signature_delta", ev.Signature)
	case rockstream.BlockStop:
		b, ok := e.blocks[ev.Index]
		if ok && b.closed {
			return fmt.Errorf("anthropic: block %d stopped twice", ev.Index)
		}
		if !ok { // an empty text block
			if err := e.blockStart(rockstream.BlockStart{Index: ev.Index, Type: rockstream.BlockText}); err != nil {
				return err
			}
		}
		return e.blockStop(ev.Index)
	case rockstream.MessageStop:
		if err := e.closeBlocks(); err != nil {
			return err
		}
		e.held = &ev
		return nil
	case rockstream.Metadata:
		if e.held == nil {
			return fmt.Errorf("anthropic: Metadata before MessageStop")
		}
		m := dialect.NewInvocationMetrics(ev)
		m.CacheReadInputTokenCount, m.CacheWriteInputTokenCount = ev.Usage.CacheReadInputTokens, ev.Usage.CacheWriteInputTokens
		return e.finish(ev.Usage, m)
	}
	return fmt.Errorf("anthropic: unknown event %T", ev)
}

// flush ends a message whose Metadata never came.
func (e *eventEncoder) flush() error {
	if e.held == nil || e.finished {
		return nil
	}
	return e.finish(rockstream.Usage{}, nil)
}

func (e *eventEncoder) finish(u rockstream.Usage, m *dialect.InvocationMetrics) error {
	stop := e.held
	e.finished = true
	err := e.emit("message_delta", messageDeltaChunk{
		Type:  "message_delta",
		Delta: stopDelta{StopReason: nullable(string(stop.StopReason)), StopSequence: nullable(stop.StopSequence)},
		Usage: outputUsage{OutputTokens: u.OutputTokens,
			CacheCreationInputTokens: u.CacheWriteInputTokens, CacheReadInputTokens: u.CacheReadInputTokens},
	})
	if err != nil {
		return err
	}
	if !e.bedrock || m == nil {
		return e.emit("message_stop", messageStopChunk{Type: "message_stop"})
	}
	return e.emit("message_stop", messageStopChunk{Type: "message_stop", Metrics: m})
}

func (e *eventEncoder) messageStart(ev rockstream.MessageStart) error {
	e.started = true
	id := ev.ID
	if id == "" {
		id = newID(e.prefix("msg_"))
	}
	return e.emit("message_start", messageStartChunk{Type: "message_start", Message: wireMessageBody{
		ID: id, Type: "message", Role: "assistant", Model: ev.Model, Content: []wireBlock{},
		Usage: wireUsage{
			InputTokens:              ev.Usage.InputTokens,
			CacheCreationInputTokens: ev.Usage.CacheWriteInputTokens,
			CacheReadInputTokens:     ev.Usage.CacheReadInputTokens,
			OutputTokens:             ev.Usage.OutputTokens,
		},
	}})
}

func (e *eventEncoder) blockStart(ev rockstream.BlockStart) error {
	b := wireBlock{Type: string(ev.Type)}
	switch ev.Type {
	case rockstream.BlockText:
		b.Text = ptr("")
	case rockstream.BlockToolUse:
		b.ID, b.Name, b.Input = ev.ToolUseID, ev.Name, json.RawMessage("{}")
		if b.ID == "" {
			b.ID = newID(e.prefix("toolu_"))
		}
	case rockstream.BlockThinking:
		b.Thinking, b.Signature = ptr(""), ptr("")
	case rockstream.BlockRedactedThinking:
		b.Data = ev.Data
	default:
		return fmt.Errorf("anthropic: cannot stream a %q block", ev.Type)
	}
	e.blocks[ev.Index] = blockState{typ: ev.Type}
	return e.emit("content_block_start", blockStartChunk{"content_block_start", ev.Index, b})
}

// ensureBlock starts block i as typ if nothing started it: neutral text
// and reasoning blocks may begin with their first delta.
func (e *eventEncoder) ensureBlock(i int, typ rockstream.BlockType) error {
	b, ok := e.blocks[i]
	if !ok {
		return e.blockStart(rockstream.BlockStart{Index: i, Type: typ})
	}
	if b.closed {
		return fmt.Errorf("anthropic: delta for block %d after its BlockStop", i)
	}
	if b.typ != typ {
		return fmt.Errorf("anthropic: %s delta for %s block %d", typ, b.typ, i)
	}
	return nil
}

func (e *eventEncoder) blockStop(i int) error {
	b := e.blocks[i]
	b.closed = true
	e.blocks[i] = b
	return e.emit("content_block_stop", blockStopChunk{"content_block_stop", i})
}

// closeBlocks stops every block still open, in index order.
func (e *eventEncoder) closeBlocks() error {
	var open []int
	for i, b := range e.blocks {
		if !b.closed {
			open = append(open, i)
		}
	}
	slices.Sort(open)
	for _, i := range open {
		if err := e.blockStop(i); err != nil {
			return err
		}
	}
	return nil
}

func (e *eventEncoder) prefix(p string) string {
	if e.bedrock {
		return p + "bdrk_"
	}
	return p
}

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID is prefix + "01" + 22 random base62 characters, the shape of
// Anthropic's message and tool-use IDs.
func newID(prefix string) string {
	var raw [22]byte
	_, _ = rand.Read(raw[:])
	b := make([]byte, 0, len(prefix)+24)
	b = append(b, prefix...)
	b = append(b, "01"...)
	for _, r := range raw {
		b = append(b, idAlphabet[int(r)%len(idAlphabet)])
	}
	return string(b)
}

// StreamEncoder turns neutral events into Bedrock's Anthropic chunk JSON.
type StreamEncoder struct{ e eventEncoder }

// NewStreamEncoder returns an encoder of Bedrock chunks for one stream.
func NewStreamEncoder() *StreamEncoder { return &StreamEncoder{e: newEventEncoder(true)} }

// Encode appends the chunks for ev to dst. MessageStop produces only the
// stops of blocks still open; its message_delta waits for Metadata.
func (s *StreamEncoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	err := s.e.encode(ev)
	return s.drain(dst), err
}

// Flush appends message_delta and message_stop if MessageStop is held
// because Metadata never came.
func (s *StreamEncoder) Flush(dst [][]byte) ([][]byte, error) {
	err := s.e.flush()
	return s.drain(dst), err
}

func (s *StreamEncoder) drain(dst [][]byte) [][]byte {
	for _, c := range s.e.out {
		dst = append(dst, c.data)
	}
	s.e.out = s.e.out[:0]
	return dst
}
