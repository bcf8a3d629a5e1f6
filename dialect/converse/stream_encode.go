package converse

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rockstream/rockstream"
)

// Frame is one ConverseStream event: EventType is the exact lowerCamel
// :event-type header, Payload the member's JSON (no wrapper key).
type Frame struct {
	EventType string
	Payload   []byte
}

// StreamEncoder turns neutral events into ConverseStream frames following
// Bedrock's shape rules: one union member each, no contentBlockStart for
// text or reasoning blocks, messageStop then metadata last.
type StreamEncoder struct {
	started, stopped, finished bool
	open                       map[int]bool
}

// NewStreamEncoder returns an encoder for one stream.
func NewStreamEncoder() *StreamEncoder { return &StreamEncoder{open: make(map[int]bool, 2)} }

type (
	deltaEvent struct {
		ContentBlockIndex int `json:"contentBlockIndex"`
		Delta             any `json:"delta"`
	}
	indexEvent struct {
		ContentBlockIndex int `json:"contentBlockIndex"`
	}
	textMember struct {
		Text string `json:"text"`
	}
	toolUseMember struct {
		ToolUse struct {
			Input string `json:"input"`
		} `json:"toolUse"`
	}
	reasoningMember struct {
		ReasoningContent any `json:"reasoningContent"`
	}
	metadataEvent struct {
		Usage             wireUsage        `json:"usage"`
		Metrics           wireMetrics      `json:"metrics"`
		PerformanceConfig *wirePerformance `json:"performanceConfig,omitempty"`
		ServiceTier       *wireServiceTier `json:"serviceTier,omitempty"`
		Trace             *wireTrace       `json:"trace,omitempty"`
	}
	messageStopEvent struct {
		StopReason                    string          `json:"stopReason"`
		AdditionalModelResponseFields json.RawMessage `json:"additionalModelResponseFields,omitempty"`
	}
)

func frame(dst []Frame, typ string, v any) ([]Frame, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, fmt.Errorf("converse: encoding %s: %w", typ, err)
	}
	return append(dst, Frame{EventType: typ, Payload: b}), nil
}

// Encode appends the frames for ev to dst.
func (e *StreamEncoder) Encode(dst []Frame, ev rockstream.Event) ([]Frame, error) {
	if e.finished {
		return dst, fmt.Errorf("converse: %T after metadata", ev)
	}
	_, isMeta := ev.(rockstream.Metadata)
	if e.stopped && !isMeta {
		return dst, fmt.Errorf("converse: %T after MessageStop", ev)
	}
	var err error
	if _, ok := ev.(rockstream.MessageStart); !ok && !e.started && !isMeta {
		e.started = true
		if dst, err = frame(dst, "messageStart", map[string]string{"role": "assistant"}); err != nil {
			return dst, err
		}
	}
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		if e.started {
			return dst, fmt.Errorf("converse: second MessageStart")
		}
		e.started = true
		return frame(dst, "messageStart", map[string]string{"role": "assistant"})
	case rockstream.BlockStart:
		if e.open[ev.Index] {
			return dst, fmt.Errorf("converse: block %d started twice", ev.Index)
		}
		e.open[ev.Index] = true
		switch ev.Type {
		case rockstream.BlockToolUse:
			start := map[string]any{"toolUse": map[string]string{"toolUseId": ev.ToolUseID, "name": ev.Name}}
			return frame(dst, "contentBlockStart", map[string]any{"contentBlockIndex": ev.Index, "start": start})
		case rockstream.BlockRedactedThinking:
			return frame(dst, "contentBlockDelta", deltaEvent{ev.Index, reasoningMember{map[string][]byte{"redactedContent": []byte(ev.Data)}}})
		}
		return dst, nil // text and reasoning blocks start with their first delta
	case rockstream.TextDelta:
		e.open[ev.Index] = true
		return frame(dst, "contentBlockDelta", deltaEvent{ev.Index, textMember{ev.Text}})
	case rockstream.ToolInputDelta:
		e.open[ev.Index] = true
		var m toolUseMember
		m.ToolUse.Input = ev.PartialJSON
		return frame(dst, "contentBlockDelta", deltaEvent{ev.Index, m})
	case rockstream.ReasoningDelta:
		e.open[ev.Index] = true
		return frame(dst, "contentBlockDelta", deltaEvent{ev.Index, reasoningMember{map[string]string{"text": ev.Text}}})
	case rockstream.SignatureDelta:
		e.open[ev.Index] = true
		return frame(dst, "contentBlockDelta", deltaEvent{ev.Index, reasoningMember{map[string]string{"signature": ev.Signature}}})
	case rockstream.BlockStop:
		delete(e.open, ev.Index)
		return frame(dst, "contentBlockStop", indexEvent{ev.Index})
	case rockstream.MessageStop:
		return e.messageStop(dst, ev)
	case rockstream.Metadata:
		if !e.stopped {
			return dst, fmt.Errorf("converse: Metadata before MessageStop")
		}
		e.finished = true
		perf, tier := servedToWire(ev.Latency, ev.ServiceTier)
		return frame(dst, "metadata", metadataEvent{Usage: usageToWire(ev.Usage),
			Metrics: wireMetrics{LatencyMs: ev.Metrics.InvocationLatency.Milliseconds()}, PerformanceConfig: perf, ServiceTier: tier,
			Trace: traceToWire(ev.Guardrail)})
	}
	return dst, fmt.Errorf("converse: unknown event %T", ev)
}

// messageStop closes the blocks still open, then stops the message.
func (e *StreamEncoder) messageStop(dst []Frame, ev rockstream.MessageStop) ([]Frame, error) {
	var open []int
	for i := range e.open {
		open = append(open, i)
	}
	slices.Sort(open)
	var err error
	for _, i := range open {
		delete(e.open, i)
		if dst, err = frame(dst, "contentBlockStop", indexEvent{i}); err != nil {
			return dst, err
		}
	}
	e.stopped = true
	reason := ev.StopReason
	if reason == "" {
		reason = rockstream.StopEndTurn
	}
	return frame(dst, "messageStop", messageStopEvent{StopReason: string(reason), AdditionalModelResponseFields: additionalToWire(ev.AdditionalFields)})
}

// additionalToWire is the additionalModelResponseFields member for the
// fields a MessageStop carries: nil (left out) unless they are a JSON
// object.
func additionalToWire(fields string) json.RawMessage {
	if b := []byte(fields); len(b) > 0 && b[0] == '{' && json.Valid(b) {
		return b
	}
	return nil
}

// servedToWire is what Converse echoes of the performance profile and
// service tier that served a request; nil for what was not set.
func servedToWire(latency, tier string) (*wirePerformance, *wireServiceTier) {
	var p *wirePerformance
	var t *wireServiceTier
	if latency != "" {
		p = &wirePerformance{Latency: latency}
	}
	if tier != "" {
		t = &wireServiceTier{Type: tier}
	}
	return p, t
}

// Flush appends a metadata frame with zero usage when the message stopped
// but Metadata never came, so the stream still ends as Bedrock's do.
func (e *StreamEncoder) Flush(dst []Frame) ([]Frame, error) {
	if !e.stopped || e.finished {
		return dst, nil
	}
	e.finished = true
	return frame(dst, "metadata", metadataEvent{})
}

func usageToWire(u rockstream.Usage) wireUsage {
	return wireUsage{
		InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, TotalTokens: u.InputTokens + u.OutputTokens,
		CacheReadInputTokens: u.CacheReadInputTokens, CacheWriteInputTokens: u.CacheWriteInputTokens,
	}
}
