package rockstream

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Accumulator folds a stream of events into the final assistant message.
// The zero value is ready to use.
type Accumulator struct {
	start    MessageStart
	blocks   []accBlock
	stop     MessageStop
	stopped  bool
	usage    Usage
	metrics  Metrics
	metadata bool
	guard    *GuardrailTrace
	served   Metadata // the Latency and ServiceTier Metadata echoed
}

type accBlock struct {
	typ       BlockType
	text      strings.Builder
	toolUseID string
	name      string
	signature strings.Builder
	data      string
	seen      bool
}

// Response is a whole answer: what a non-streaming call returns, and what
// a stream folds into.
type Response struct {
	ID, Model, RequestID string
	Message              Message
	StopReason           StopReason
	StopSequence         string
	Usage                Usage
	Metrics              Metrics
	// Guardrail is what the invocation's guardrail did; nil when none
	// was applied.
	Guardrail *GuardrailTrace
	// AdditionalFields, Latency and ServiceTier are what MessageStop and
	// Metadata reported of them; empty when they did not.
	AdditionalFields     string
	Latency, ServiceTier string
}

// ToolCall is a completed tool_use block with its input parsed.
type ToolCall struct {
	ID    string
	Name  string
	Input json.RawMessage
}

// Add folds one event in. It fails on an event that does not fit the
// stream so far (a delta of the wrong kind for its block).
func (a *Accumulator) Add(ev Event) error {
	switch e := ev.(type) {
	case MessageStart:
		a.start = e
		a.usage = e.Usage
	case BlockStart:
		b := a.block(e.Index)
		if b.seen && b.typ != e.Type {
			return fmt.Errorf("rockstream: block %d started as %s after %s", e.Index, e.Type, b.typ)
		}
		b.typ, b.toolUseID, b.name, b.data, b.seen = e.Type, e.ToolUseID, e.Name, e.Data, true
	case TextDelta:
		a.delta(e.Index, BlockText).text.WriteString(e.Text)
	case ToolInputDelta:
		a.delta(e.Index, BlockToolUse).text.WriteString(e.PartialJSON)
	case ReasoningDelta:
		a.delta(e.Index, BlockThinking).text.WriteString(e.Text)
	case SignatureDelta:
		a.delta(e.Index, BlockThinking).signature.WriteString(e.Signature)
	case BlockStop:
		a.block(e.Index)
	case MessageStop:
		a.stop, a.stopped = e, true
	case Metadata:
		a.mergeUsage(e.Usage)
		a.metrics, a.metadata = e.Metrics, true
		if e.Guardrail != nil {
			a.guard = e.Guardrail
		}
		a.served = Metadata{Latency: e.Latency, ServiceTier: e.ServiceTier}
	}
	return nil
}

func (a *Accumulator) block(i int) *accBlock {
	for len(a.blocks) <= i {
		a.blocks = append(a.blocks, accBlock{})
	}
	return &a.blocks[i]
}

// delta returns block i, typing it as t if nothing started it.
func (a *Accumulator) delta(i int, t BlockType) *accBlock {
	b := a.block(i)
	if !b.seen {
		b.seen = true
		if b.typ == "" {
			b.typ = t
		}
	}
	return b
}

func (a *Accumulator) mergeUsage(u Usage) {
	if u.InputTokens != 0 {
		a.usage.InputTokens = u.InputTokens
	}
	if u.OutputTokens != 0 {
		a.usage.OutputTokens = u.OutputTokens
	}
	if u.CacheReadInputTokens != 0 {
		a.usage.CacheReadInputTokens = u.CacheReadInputTokens
	}
	if u.CacheWriteInputTokens != 0 {
		a.usage.CacheWriteInputTokens = u.CacheWriteInputTokens
	}
}

// Started returns the MessageStart seen, if any.
func (a *Accumulator) Started() MessageStart { return a.start }

// Done reports whether MessageStop has arrived.
func (a *Accumulator) Done() bool { return a.stopped }

// StopReason is the reason MessageStop gave; empty before it.
func (a *Accumulator) StopReason() StopReason { return a.stop.StopReason }

// StopSequence is the matched stop sequence, if any.
func (a *Accumulator) StopSequence() string { return a.stop.StopSequence }

// Usage is the token usage reported so far.
func (a *Accumulator) Usage() Usage { return a.usage }

// Metrics is the model's timing, once Metadata has arrived.
func (a *Accumulator) Metrics() Metrics { return a.metrics }

// Text is all generated text so far.
func (a *Accumulator) Text() string {
	var sb strings.Builder
	for i := range a.blocks {
		if a.blocks[i].typ == BlockText {
			sb.WriteString(a.blocks[i].text.String())
		}
	}
	return sb.String()
}

// Response is the whole answer as accumulated so far.
func (a *Accumulator) Response() Response {
	return Response{
		ID: a.start.ID, Model: a.start.Model, RequestID: a.start.RequestID,
		Message: a.Message(), StopReason: a.stop.StopReason, StopSequence: a.stop.StopSequence,
		Usage: a.usage, Metrics: a.metrics, Guardrail: a.guard,
		AdditionalFields: a.stop.AdditionalFields, Latency: a.served.Latency, ServiceTier: a.served.ServiceTier,
	}
}

// Message is the assistant message as accumulated so far. Tool inputs
// that are not yet valid JSON are kept as received.
func (a *Accumulator) Message() Message {
	m := Message{Role: RoleAssistant}
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.typ == "" {
			continue
		}
		blk := Block{Type: b.typ}
		switch b.typ {
		case BlockText, BlockThinking:
			blk.Text = b.text.String()
			blk.Signature = b.signature.String()
		case BlockToolUse:
			blk.ToolUseID, blk.Name = b.toolUseID, b.name
			blk.Input = toolInput(b.text.String())
		case BlockRedactedThinking:
			blk.Data = b.data
		}
		m.Content = append(m.Content, blk)
	}
	return m
}

// ToolCalls returns the tool_use blocks with parsed input. It fails if a
// tool's input is not valid JSON.
func (a *Accumulator) ToolCalls() ([]ToolCall, error) {
	var calls []ToolCall
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.typ != BlockToolUse {
			continue
		}
		in := toolInput(b.text.String())
		if !json.Valid(in) {
			return calls, fmt.Errorf("rockstream: tool %s (%s) input is not valid JSON: %q", b.name, b.toolUseID, in)
		}
		calls = append(calls, ToolCall{ID: b.toolUseID, Name: b.name, Input: in})
	}
	return calls, nil
}

// toolInput treats an empty input as the empty object, as models send it.
func toolInput(s string) json.RawMessage {
	if strings.TrimSpace(s) == "" {
		return json.RawMessage("{}")
	}
	return json.RawMessage(s)
}
