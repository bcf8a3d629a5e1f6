package rockstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// The JSON form of events: one object per event with a snake_case "type"
// and snake_case fields, durations in milliseconds. The CLI prints it
// (--json) and recordings store it, so it is a public format: add fields,
// never rename them.

type usageJSON struct {
	InputTokens           int `json:"input_tokens"`
	OutputTokens          int `json:"output_tokens"`
	CacheReadInputTokens  int `json:"cache_read_input_tokens,omitempty"`
	CacheWriteInputTokens int `json:"cache_write_input_tokens,omitempty"`
}

type metricsJSON struct {
	FirstByteLatencyMS  int64 `json:"first_byte_latency_ms"`
	InvocationLatencyMS int64 `json:"invocation_latency_ms"`
}

// eventJSON holds every field any event has; marshalling writes only the
// ones that event type defines.
type eventJSON struct {
	Type         string       `json:"type"`
	ID           string       `json:"id,omitempty"`
	Model        string       `json:"model,omitempty"`
	RequestID    string       `json:"request_id,omitempty"`
	Resolved     string       `json:"resolved_model,omitempty"`
	Index        *int         `json:"index,omitempty"`
	BlockType    string       `json:"block_type,omitempty"`
	ToolUseID    string       `json:"tool_use_id,omitempty"`
	Name         string       `json:"name,omitempty"`
	Data         string       `json:"data,omitempty"`
	Text         *string      `json:"text,omitempty"`
	PartialJSON  *string      `json:"partial_json,omitempty"`
	Signature    *string      `json:"signature,omitempty"`
	StopReason   *string      `json:"stop_reason,omitempty"`
	StopSequence string       `json:"stop_sequence,omitempty"`
	Usage        *usageJSON   `json:"usage,omitempty"`
	Metrics      *metricsJSON `json:"metrics,omitempty"`
	// AdditionalFields is MessageStop's JSON object, kept as JSON.
	AdditionalFields json.RawMessage `json:"additional_fields,omitempty"`
	Latency          string          `json:"latency,omitempty"`
	ServiceTier      string          `json:"service_tier,omitempty"`
}

// EventName is the JSON "type" of ev.
func EventName(ev Event) string {
	switch ev.(type) {
	case MessageStart:
		return "message_start"
	case BlockStart:
		return "block_start"
	case TextDelta:
		return "text_delta"
	case ToolInputDelta:
		return "tool_input_delta"
	case ReasoningDelta:
		return "reasoning_delta"
	case SignatureDelta:
		return "signature_delta"
	case BlockStop:
		return "block_stop"
	case MessageStop:
		return "message_stop"
	case Metadata:
		return "metadata"
	}
	return "unknown"
}

// MarshalEvent encodes ev in rockstream's event JSON.
func MarshalEvent(ev Event) ([]byte, error) {
	j := eventJSON{Type: EventName(ev)}
	switch e := ev.(type) {
	case MessageStart:
		j.ID, j.Model, j.RequestID, j.Resolved, j.Usage = e.ID, e.Model, e.RequestID, e.Resolved, usageToJSON(e.Usage)
	case BlockStart:
		j.Index, j.BlockType, j.ToolUseID, j.Name, j.Data = &e.Index, string(e.Type), e.ToolUseID, e.Name, e.Data
	case TextDelta:
		j.Index, j.Text = &e.Index, &e.Text
	case ToolInputDelta:
		j.Index, j.PartialJSON = &e.Index, &e.PartialJSON
	case ReasoningDelta:
		j.Index, j.Text = &e.Index, &e.Text
	case SignatureDelta:
		j.Index, j.Signature = &e.Index, &e.Signature
	case BlockStop:
		j.Index = &e.Index
	case MessageStop:
		r := string(e.StopReason)
		j.StopReason, j.StopSequence = &r, e.StopSequence
		if e.AdditionalFields != "" {
			j.AdditionalFields = json.RawMessage(e.AdditionalFields)
		}
	case Metadata:
		j.Usage, j.Metrics = usageToJSON(e.Usage), metricsToJSON(e.Metrics)
		j.Latency, j.ServiceTier = e.Latency, e.ServiceTier
	default:
		return nil, fmt.Errorf("rockstream: cannot marshal event %T", ev)
	}
	// People read these lines: keep <, > and & as they are.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalEvent decodes one event from rockstream's event JSON.
func UnmarshalEvent(b []byte) (Event, error) {
	var j eventJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("rockstream: bad event JSON: %w", err)
	}
	idx := 0
	if j.Index != nil {
		idx = *j.Index
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch j.Type {
	case "message_start":
		return MessageStart{ID: j.ID, Model: j.Model, RequestID: j.RequestID, Resolved: j.Resolved, Usage: j.Usage.usage()}, nil
	case "block_start":
		return BlockStart{Index: idx, Type: BlockType(j.BlockType), ToolUseID: j.ToolUseID, Name: j.Name, Data: j.Data}, nil
	case "text_delta":
		return TextDelta{Index: idx, Text: str(j.Text)}, nil
	case "tool_input_delta":
		return ToolInputDelta{Index: idx, PartialJSON: str(j.PartialJSON)}, nil
	case "reasoning_delta":
		return ReasoningDelta{Index: idx, Text: str(j.Text)}, nil
	case "signature_delta":
		return SignatureDelta{Index: idx, Signature: str(j.Signature)}, nil
	case "block_stop":
		return BlockStop{Index: idx}, nil
	case "message_stop":
		return MessageStop{StopReason: StopReason(str(j.StopReason)), StopSequence: j.StopSequence,
			AdditionalFields: string(j.AdditionalFields)}, nil
	case "metadata":
		return Metadata{Usage: j.Usage.usage(), Metrics: j.Metrics.metrics(), Latency: j.Latency, ServiceTier: j.ServiceTier}, nil
	}
	return nil, fmt.Errorf("rockstream: unknown event type %q", j.Type)
}

func usageToJSON(u Usage) *usageJSON {
	return &usageJSON{u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheWriteInputTokens}
}

func (u *usageJSON) usage() Usage {
	if u == nil {
		return Usage{}
	}
	return Usage{u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheWriteInputTokens}
}

// metricsToJSON is the JSON form of m, in milliseconds.
func metricsToJSON(m Metrics) *metricsJSON {
	return &metricsJSON{m.FirstByteLatency.Milliseconds(), m.InvocationLatency.Milliseconds()}
}

func (m *metricsJSON) metrics() Metrics {
	if m == nil {
		return Metrics{}
	}
	return Metrics{
		FirstByteLatency:  time.Duration(m.FirstByteLatencyMS) * time.Millisecond,
		InvocationLatency: time.Duration(m.InvocationLatencyMS) * time.Millisecond,
	}
}
