package converse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rockstream/rockstream"
)

// StreamDecoder turns ConverseStream wire events (the :event-type header
// and the JSON payload) into neutral events, for relays that pass frames
// through without the SDK. It yields exactly what SDKDecoder yields for
// the SDK's view of the same frames. Like the SDK it matches member names
// exactly, skips null members and unknown fields (such as the "p" padding),
// and takes a union with no known member as unset. Unlike it, data after
// the payload's JSON object is an error, and invalid UTF-8 in a string
// becomes U+FFFD as everywhere in encoding/json. Fields the neutral model
// has no place for (trace, citations, cache details) are only checked to be
// JSON. It is stateful: one per stream.
type StreamDecoder struct {
	stopped, metadata bool
}

// NewStreamDecoder returns a decoder for one stream.
func NewStreamDecoder() *StreamDecoder { return &StreamDecoder{} }

// Done reports whether both messageStop and metadata have been decoded;
// see SDKDecoder.Done.
func (d *StreamDecoder) Done() bool { return d.stopped && d.metadata }

// Stopped reports whether messageStop has been decoded.
func (d *StreamDecoder) Stopped() bool { return d.stopped }

// Decode appends the events one wire event carries to dst. Unknown event
// types carry nothing; an error names the event type. As with SDKDecoder,
// any event after metadata, known or not, is an error.
func (d *StreamDecoder) Decode(dst []rockstream.Event, eventType string, payload []byte) ([]rockstream.Event, error) {
	if d.metadata {
		return dst, fmt.Errorf("converse: %s after metadata", eventType)
	}
	var err error
	n := len(dst)
	switch eventType {
	case "messageStart":
		dst, err = decodeMessageStart(dst, payload)
	case "contentBlockStart":
		dst, err = decodeBlockStart(dst, payload)
	case "contentBlockDelta":
		dst, err = decodeBlockDelta(dst, payload)
	case "contentBlockStop":
		dst, err = decodeBlockStop(dst, payload)
	case "messageStop":
		if dst, err = decodeMessageStop(dst, payload); err == nil {
			d.stopped = true
		}
	case "metadata":
		if dst, err = decodeMetadata(dst, payload); err == nil {
			d.metadata = true
		}
	default:
		return dst, nil
	}
	if err != nil {
		return dst[:n], fmt.Errorf("converse: %s: %w", eventType, err)
	}
	return dst, nil
}

func decodeMessageStart(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	err := members(payload, func(key string, val json.RawMessage) error {
		if key == "role" {
			return checkString(val)
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	return append(dst, rockstream.MessageStart{}), nil
}

// indexed reads the contentBlockIndex every block event carries; body,
// when not nil, receives the other members.
func indexed(payload []byte, body func(key string, val json.RawMessage) error) (int, error) {
	var idx *int32
	err := members(payload, func(key string, val json.RawMessage) error {
		if key == "contentBlockIndex" {
			idx = new(int32)
			return json.Unmarshal(val, idx)
		}
		if body != nil {
			return body(key, val)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return index(idx)
}

func decodeBlockStart(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	var start json.RawMessage
	i, err := indexed(payload, func(key string, val json.RawMessage) error {
		if key == "start" {
			start = val
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	if start == nil {
		return dst, nil
	}
	member, val, err := union(start, "toolUse", "image", "toolResult")
	if err != nil || member != "toolUse" {
		return dst, err
	}
	bs := rockstream.BlockStart{Index: i, Type: rockstream.BlockToolUse}
	err = members(val, func(key string, val json.RawMessage) error {
		switch key {
		case "toolUseId":
			return json.Unmarshal(val, &bs.ToolUseID)
		case "name":
			return json.Unmarshal(val, &bs.Name)
		case "type":
			return checkString(val)
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	return append(dst, bs), nil
}

func decodeBlockDelta(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	var delta json.RawMessage
	i, err := indexed(payload, func(key string, val json.RawMessage) error {
		if key == "delta" {
			delta = val
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	member, val, err := union(delta, "text", "toolUse", "reasoningContent", "citation", "toolResult", "image")
	if err != nil {
		return dst, err
	}
	switch member {
	case "":
		return dst, fmt.Errorf("no delta for block %d", i)
	case "text":
		var text string
		if err := json.Unmarshal(val, &text); err != nil {
			return dst, err
		}
		return append(dst, rockstream.TextDelta{Index: i, Text: text}), nil
	case "toolUse":
		var input string
		err := members(val, func(key string, val json.RawMessage) error {
			if key == "input" {
				return json.Unmarshal(val, &input)
			}
			return nil
		})
		if err != nil {
			return dst, err
		}
		return append(dst, rockstream.ToolInputDelta{Index: i, PartialJSON: input}), nil
	case "reasoningContent":
		return decodeReasoningDelta(dst, i, val)
	}
	return dst, nil // citation, toolResult, image: nothing neutral
}

func decodeReasoningDelta(dst []rockstream.Event, i int, raw json.RawMessage) ([]rockstream.Event, error) {
	member, val, err := union(raw, "text", "signature", "redactedContent")
	if err != nil {
		return dst, err
	}
	var s string
	switch member {
	case "":
		return dst, fmt.Errorf("empty reasoningContent delta for block %d", i)
	case "text", "signature":
		if err := json.Unmarshal(val, &s); err != nil {
			return dst, err
		}
	}
	switch member {
	case "text":
		return append(dst, rockstream.ReasoningDelta{Index: i, Text: s}), nil
	case "signature":
		return append(dst, rockstream.SignatureDelta{Index: i, Signature: s}), nil
	default: // redactedContent
		var data []byte // base64 on the wire, as every blob
		if err := json.Unmarshal(val, &data); err != nil {
			return dst, err
		}
		return append(dst, rockstream.BlockStart{Index: i, Type: rockstream.BlockRedactedThinking, Data: string(data)}), nil
	}
}

func decodeBlockStop(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	i, err := indexed(payload, nil)
	if err != nil {
		return dst, err
	}
	return append(dst, rockstream.BlockStop{Index: i}), nil
}

func decodeMessageStop(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	var stop rockstream.MessageStop
	err := members(payload, func(key string, val json.RawMessage) error {
		switch key {
		case "stopReason":
			return json.Unmarshal(val, &stop.StopReason)
		case "additionalModelResponseFields":
			// Any JSON document; like SDKDecoder, a stop_sequence that is
			// not a string is not one.
			var extra struct {
				StopSequence string `json:"stop_sequence"`
			}
			if json.Unmarshal(val, &extra) == nil {
				stop.StopSequence = extra.StopSequence
			}
			stop.AdditionalFields = string(additionalToWire(string(val)))
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	return append(dst, stop), nil
}

func decodeMetadata(dst []rockstream.Event, payload []byte) ([]rockstream.Event, error) {
	var md rockstream.Metadata
	err := members(payload, func(key string, val json.RawMessage) error {
		switch key {
		case "usage":
			return members(val, func(key string, val json.RawMessage) error {
				var n int32
				var target *int
				switch key {
				case "inputTokens":
					target = &md.Usage.InputTokens
				case "outputTokens":
					target = &md.Usage.OutputTokens
				case "cacheReadInputTokens":
					target = &md.Usage.CacheReadInputTokens
				case "cacheWriteInputTokens":
					target = &md.Usage.CacheWriteInputTokens
				case "totalTokens":
				default:
					return nil
				}
				if err := json.Unmarshal(val, &n); err != nil {
					return err
				}
				if target != nil {
					*target = int(n)
				}
				return nil
			})
		case "metrics":
			return members(val, func(key string, val json.RawMessage) error {
				if key != "latencyMs" {
					return nil
				}
				var ms int64
				if err := json.Unmarshal(val, &ms); err != nil {
					return err
				}
				md.Metrics.InvocationLatency = time.Duration(ms) * time.Millisecond
				return nil
			})
		case "performanceConfig":
			var p wirePerformance
			if json.Unmarshal(val, &p) == nil {
				md.Latency = p.Latency
			}
		case "serviceTier":
			var t wireServiceTier
			if json.Unmarshal(val, &t) == nil {
				md.ServiceTier = t.Type
			}
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	return append(dst, md), nil
}

// members calls fn for each member of the JSON object raw
// whose value is not null, in document order, matching keys exactly as the
// SDK does (encoding/json's struct decoding would fold case). Null members
// are absent, but raw itself must be an object, as the SDK wants a payload.
func members(raw []byte, fn func(key string, val json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("want a JSON object: %w", err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("want a JSON object, got %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder allows only strings here
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		if string(val) == "null" {
			continue
		}
		if err := fn(key, val); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return err
	}
	return end(dec)
}

// end checks nothing follows the value dec has read.
func end(dec *json.Decoder) error {
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return fmt.Errorf("data after the JSON value: %v", tok)
	}
	return nil
}

// union returns the one set member of the JSON union raw among known, or
// "" when none is; unknown members are skipped, as the SDK does, and two
// set members are an error.
func union(raw json.RawMessage, known ...string) (member string, val json.RawMessage, err error) {
	if raw == nil {
		return "", nil, nil
	}
	err = members(raw, func(key string, v json.RawMessage) error {
		for _, k := range known {
			if key != k {
				continue
			}
			if member != "" {
				return fmt.Errorf("union with both %s and %s", member, key)
			}
			member, val = key, v
		}
		return nil
	})
	return member, val, err
}

func checkString(val json.RawMessage) error {
	var s string
	return json.Unmarshal(val, &s)
}
