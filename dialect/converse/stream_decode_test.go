package converse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go/eventstream"
	"github.com/aws/smithy-go/transport/http/protocol/restjson1"

	"github.com/rockstream/rockstream"
)

// Streams in the form the Converse wire carries whole: MessageStart without
// ID or model, no BlockStart for text and reasoning, every block stopped,
// no first-byte latency.
var wireStreams = map[string][]rockstream.Event{
	"text": {
		rockstream.MessageStart{},
		rockstream.TextDelta{Index: 0, Text: "Hello, "},
		rockstream.TextDelta{Index: 0, Text: "wörld <&> \"quoted\"\n"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 9, OutputTokens: 4}, Metrics: rockstream.Metrics{InvocationLatency: 87 * time.Millisecond}},
	},
	"tool use": {
		rockstream.MessageStart{},
		rockstream.TextDelta{Index: 0, Text: "Let me look."},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockToolUse, ToolUseID: "tooluse_1", Name: "get_weather"},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `{"city":`},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: ""},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `"Paris"}`},
		rockstream.BlockStop{Index: 1},
		rockstream.MessageStop{StopReason: rockstream.StopToolUse},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 30, OutputTokens: 21}},
	},
	"reasoning with signature": {
		rockstream.MessageStart{},
		rockstream.ReasoningDelta{Index: 0, Text: "The user wants "},
		rockstream.ReasoningDelta{Index: 0, Text: "a number."},
		rockstream.SignatureDelta{Index: 0, Signature: "RXVn"},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockRedactedThinking, Data: "\x00\xffopaque"},
		rockstream.BlockStop{Index: 1},
		rockstream.TextDelta{Index: 2, Text: "42"},
		rockstream.BlockStop{Index: 2},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 12, OutputTokens: 40}},
	},
	"max tokens": {
		rockstream.MessageStart{},
		rockstream.TextDelta{Index: 0, Text: "Once upon a"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopMaxTokens},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 5, OutputTokens: 3}},
	},
	"metadata with cache usage": {
		rockstream.MessageStart{},
		rockstream.TextDelta{Index: 0, Text: "Cached."},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopGuardrail},
		rockstream.Metadata{
			Usage:   rockstream.Usage{InputTokens: 2048, OutputTokens: 17, CacheReadInputTokens: 1900, CacheWriteInputTokens: 128},
			Metrics: rockstream.Metrics{InvocationLatency: 1234 * time.Millisecond},
		},
	},
}

// wireFrames encodes evs as a StreamEncoder does for a server.
func wireFrames(tb testing.TB, evs []rockstream.Event) []Frame {
	tb.Helper()
	e := NewStreamEncoder()
	var frames []Frame
	var err error
	for _, ev := range evs {
		if frames, err = e.Encode(frames, ev); err != nil {
			tb.Fatalf("%T: %v", ev, err)
		}
	}
	return frames
}

// decodeFrames runs frames through a fresh StreamDecoder.
func decodeFrames(t *testing.T, frames []Frame) ([]rockstream.Event, *StreamDecoder) {
	t.Helper()
	d := NewStreamDecoder()
	var got []rockstream.Event
	var err error
	for _, f := range frames {
		if got, err = d.Decode(got, f.EventType, f.Payload); err != nil {
			t.Fatalf("%s %s: %v", f.EventType, f.Payload, err)
		}
	}
	return got, d
}

func TestStreamDecoderRoundTrip(t *testing.T) {
	for name, evs := range wireStreams {
		t.Run(name, func(t *testing.T) {
			got, d := decodeFrames(t, wireFrames(t, evs))
			if !reflect.DeepEqual(got, evs) {
				t.Errorf("got  %+v\nwant %+v", got, evs)
			}
			if !d.Done() || !d.Stopped() {
				t.Errorf("Done=%v Stopped=%v after metadata", d.Done(), d.Stopped())
			}
		})
	}
}

// The shared neutral stream loses on the wire what SDKDecoder's round trip
// loses too; both decoders must agree on what is left.
func TestStreamDecoderMatchesSDKDecoder(t *testing.T) {
	streams := map[string][]rockstream.Event{"neutral": neutralStream}
	for name, evs := range wireStreams {
		streams[name] = evs
	}
	for name, evs := range streams {
		t.Run(name, func(t *testing.T) {
			frames := encodeFrames(t, evs)
			got, _ := decodeFrames(t, frames)
			sd := NewSDKDecoder()
			var want []rockstream.Event
			for _, f := range frames {
				ev, err := sdkDeserialize(f.EventType, f.Payload)
				if err != nil {
					t.Fatalf("SDK: %s: %v", f.EventType, err)
				}
				if want, err = sd.Decode(want, ev); err != nil {
					t.Fatalf("SDKDecoder: %s: %v", f.EventType, err)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("StreamDecoder %+v\nSDKDecoder    %+v", got, want)
			}
		})
	}
}

func TestStreamDecoderDone(t *testing.T) {
	d := NewStreamDecoder()
	evs, err := d.Decode(nil, "messageStop", []byte(`{"stopReason":"stop_sequence","additionalModelResponseFields":{"stop_sequence":"END"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (rockstream.MessageStop{StopReason: rockstream.StopSequenceHit, StopSequence: "END", AdditionalFields: `{"stop_sequence":"END"}`}); !reflect.DeepEqual(evs, []rockstream.Event{want}) {
		t.Errorf("got %+v", evs)
	}
	if d.Done() || !d.Stopped() {
		t.Error("Done before metadata, or not Stopped after messageStop")
	}
	if _, err := d.Decode(nil, "metadata", []byte(`{}`)); err != nil || !d.Done() {
		t.Errorf("after metadata: Done=%v err=%v", d.Done(), err)
	}
	for _, typ := range []string{"messageStart", "metadata", "initial-response"} {
		if _, err := d.Decode(nil, typ, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), typ) {
			t.Errorf("%s after metadata: %v", typ, err)
		}
	}
}

// A failed messageStop or metadata does not count as seen.
func TestStreamDecoderDoneNeedsValidEvents(t *testing.T) {
	d := NewStreamDecoder()
	if _, err := d.Decode(nil, "messageStop", []byte(`{"stopReason":1}`)); err == nil || d.Stopped() {
		t.Errorf("bad messageStop: err=%v Stopped=%v", err, d.Stopped())
	}
	if _, err := d.Decode(nil, "metadata", []byte(`{"usage":[]}`)); err == nil || d.Done() {
		t.Errorf("bad metadata: err=%v", err)
	}
	if _, err := d.Decode(nil, "messageStart", []byte(`{}`)); err != nil {
		t.Errorf("a bad metadata ended the stream: %v", err)
	}
}

func TestStreamDecoderRejects(t *testing.T) {
	tests := []struct{ eventType, payload string }{
		{"messageStart", `{"role":`},
		{"messageStart", `[]`},
		{"messageStart", `{"role":7}`},
		{"messageStart", `{} {}`},
		{"messageStart", ``},
		{"messageStart", `null`},
		{"metadata", `null`},
		{"contentBlockStart", `{"start":{"toolUse":{"toolUseId":"t","name":"n"}}}`},
		{"contentBlockStart", `{"contentBlockIndex":-1,"start":{}}`},
		{"contentBlockStart", `{"contentBlockIndex":0,"start":{"toolUse":{"name":5}}}`},
		{"contentBlockStart", `{"contentBlockIndex":0,"start":{"toolUse":{},"image":{}}}`},
		{"contentBlockStart", `{"contentBlockIndex":0,"start":"toolUse"}`},
		{"contentBlockDelta", `{"contentBlockIndex":0}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":null}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"future":{}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"a","toolUse":{"input":"{}"}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"a","text":"b"}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":1}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"Text":"a"}}`},
		{"contentBlockDelta", `{"contentBlockIndex":"0","delta":{"text":"a"}}`},
		{"contentBlockDelta", `{"contentBlockIndex":1.5,"delta":{"text":"a"}}`},
		{"contentBlockDelta", `{"contentBlockIndex":2147483648,"delta":{"text":"a"}}`},
		{"contentBlockDelta", `{"ContentBlockIndex":0,"delta":{"text":"a"}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"toolUse":{"input":{"city":"Paris"}}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"future":"x"}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":null}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"a","signature":"b"}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"not base64!"}}}`},
		{"contentBlockStop", `{}`},
		{"contentBlockStop", `{"contentBlockIndex":null}`},
		{"contentBlockStop", `{"contentBlockIndex":-3}`},
		{"contentBlockStop", `{"contentBlockIndex":true}`},
		{"messageStop", `{"stopReason":["end_turn"]}`},
		{"messageStop", `{"stopReason":"end_turn"`},
		{"metadata", `{"usage":{"inputTokens":"12"}}`},
		{"metadata", `{"usage":{"totalTokens":-2147483649}}`},
		{"metadata", `{"metrics":{"latencyMs":1.5}}`},
		{"metadata", `{"metrics":7}`},
	}
	for _, tt := range tests {
		d := NewStreamDecoder()
		prior := []rockstream.Event{rockstream.MessageStart{}}
		got, err := d.Decode(prior, tt.eventType, []byte(tt.payload))
		if err == nil {
			t.Errorf("%s %s: no error, events %+v", tt.eventType, tt.payload, got)
			continue
		}
		sdkAgrees(t, tt.eventType, tt.payload, got[1:], err)
		if !strings.Contains(err.Error(), tt.eventType) {
			t.Errorf("%s %s: error %q does not name the event type", tt.eventType, tt.payload, err)
		}
		if !reflect.DeepEqual(got, prior) {
			t.Errorf("%s %s: dst changed on error: %+v", tt.eventType, tt.payload, got)
		}
	}
}

func TestStreamDecoderIgnoresPaddingAndUnknownFields(t *testing.T) {
	tests := []struct {
		eventType, payload string
		want               rockstream.Event
	}{
		{"messageStart", `{"p":"abcdefghijkl","role":"assistant","future":{"a":[1,2]}}`, rockstream.MessageStart{}},
		{"contentBlockStart", `{"contentBlockIndex":2,"p":"abc","start":{"toolUse":{"toolUseId":"t1","name":"calc","type":"server_tool_use","x":1}}}`,
			rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "calc"}},
		{"contentBlockStart", `{"contentBlockIndex":2,"start":{"future":{},"toolUse":{"toolUseId":"t1","name":null}}}`,
			rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "t1"}},
		{"contentBlockDelta", `{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGH","contentBlockIndex":1,"delta":{"text":"hi"}}`, rockstream.TextDelta{Index: 1, Text: "hi"}},
		{"contentBlockDelta", `{"contentBlockIndex":1,"delta":{"future":[],"text":"hi","toolUse":null}}`, rockstream.TextDelta{Index: 1, Text: "hi"}},
		{"contentBlockDelta", `{"contentBlockIndex":1,"delta":{"toolUse":{}}}`, rockstream.ToolInputDelta{Index: 1}},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"c2ln","other":"x"}}}`, rockstream.SignatureDelta{Signature: "c2ln"}},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":""}}}`, rockstream.BlockStart{Type: rockstream.BlockRedactedThinking}},
		{"contentBlockStop", `{"contentBlockIndex":4,"p":"ab"}`, rockstream.BlockStop{Index: 4}},
		{"messageStop", `{"stopReason":"end_turn","p":"abcd","additionalModelResponseFields":{"stop_sequence":7}}`, rockstream.MessageStop{StopReason: rockstream.StopEndTurn, AdditionalFields: `{"stop_sequence":7}`}},
		{"messageStop", `{"stopReason":"novel_reason","additionalModelResponseFields":["stop_sequence"]}`, rockstream.MessageStop{StopReason: "novel_reason"}},
		{"metadata", `{"usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7,"cacheDetails":[{"ttl":"5m","inputTokens":3}]},` +
			`"metrics":{"latencyMs":55},"trace":{"guardrail":{}},"performanceConfig":{"latency":"standard"},"serviceTier":{"type":"default"},"p":"abc"}`,
			rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 3, OutputTokens: 4}, Metrics: rockstream.Metrics{InvocationLatency: 55 * time.Millisecond},
				Latency: "standard", ServiceTier: "default"}},
	}
	for _, tt := range tests {
		got, err := NewStreamDecoder().Decode(nil, tt.eventType, []byte(tt.payload))
		sdkAgrees(t, tt.eventType, tt.payload, got, err)
		if err != nil {
			t.Errorf("%s %s: %v", tt.eventType, tt.payload, err)
			continue
		}
		if !reflect.DeepEqual(got, []rockstream.Event{tt.want}) {
			t.Errorf("%s %s: got %+v, want %+v", tt.eventType, tt.payload, got, tt.want)
		}
	}
}

// Events the neutral model has no place for decode to nothing.
func TestStreamDecoderSkips(t *testing.T) {
	tests := []struct{ eventType, payload string }{
		{"initial-response", `{}`},
		{"futureEvent", `not json at all`},
		{"", `{"contentBlockIndex":0}`},
		{"MessageStart", `{}`},
		{"contentBlockStart", `{"contentBlockIndex":0}`},
		{"contentBlockStart", `{"contentBlockIndex":0,"start":{"image":{}}}`},
		{"contentBlockStart", `{"contentBlockIndex":0,"start":{"future":{}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"citation":{"title":"x"}}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"toolResult":[{"text":"x"}]}}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"image":{"source":{}}}}`},
	}
	prior := []rockstream.Event{rockstream.MessageStart{}}
	for _, tt := range tests {
		d := NewStreamDecoder()
		got, err := d.Decode(prior, tt.eventType, []byte(tt.payload))
		sdkAgrees(t, tt.eventType, tt.payload, got[1:], err)
		if err != nil || !reflect.DeepEqual(got, prior) {
			t.Errorf("%q %s: %+v, %v", tt.eventType, tt.payload, got, err)
		}
		if d.Stopped() || d.Done() {
			t.Errorf("%q: skipped event changed the state", tt.eventType)
		}
	}
}

// sdkAgrees checks SDKDecoder, fed by the SDK's own deserializer, gives
// the same events as StreamDecoder for one wire event, or fails as well.
func sdkAgrees(t *testing.T, eventType, payload string, got []rockstream.Event, err error) {
	t.Helper()
	want, sdkErr := sdkDecode(eventType, []byte(payload))
	if err != nil && sdkErr == nil && !json.Valid([]byte(payload)) {
		return // the SDK reads the first JSON value and ignores the rest
	}
	if (err == nil) != (sdkErr == nil) {
		t.Errorf("%q %s: StreamDecoder error %v, SDK error %v", eventType, payload, err, sdkErr)
	} else if err == nil && len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
		t.Errorf("%q %s: StreamDecoder %+v, SDK %+v", eventType, payload, got, want)
	}
}

// sdkDeserialize reads one event the way the SDK's ConverseStream reader
// does: as an event-stream message through the SDK's own protocol.
func sdkDeserialize(eventType string, payload []byte) (types.ConverseStreamOutput, error) {
	var msg eventstream.Message
	msg.Headers.Set(":event-type", eventstream.StringValue(eventType))
	msg.Headers.Set(":message-type", eventstream.StringValue("event"))
	msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
	msg.Payload = payload
	var buf bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&buf, msg); err != nil {
		return nil, fmt.Errorf("frame: %w", err)
	}
	p := restjson1.New(schemas.AmazonBedrockFrontendService)
	ev, err := p.DeserializeEventMessage(schemas.ConverseStreamOutput, bedrockruntime.TypeRegistry, &buf)
	if err != nil {
		return nil, err
	}
	switch v := ev.(type) {
	case *types.MessageStartEvent:
		return &types.ConverseStreamOutputMemberMessageStart{Value: *v}, nil
	case *types.ContentBlockStartEvent:
		return &types.ConverseStreamOutputMemberContentBlockStart{Value: *v}, nil
	case *types.ContentBlockDeltaEvent:
		return &types.ConverseStreamOutputMemberContentBlockDelta{Value: *v}, nil
	case *types.ContentBlockStopEvent:
		return &types.ConverseStreamOutputMemberContentBlockStop{Value: *v}, nil
	case *types.MessageStopEvent:
		return &types.ConverseStreamOutputMemberMessageStop{Value: *v}, nil
	case *types.ConverseStreamMetadataEvent:
		return &types.ConverseStreamOutputMemberMetadata{Value: *v}, nil
	case *eventstream.UnknownUnionMember:
		return &types.UnknownUnionMember{Tag: v.Tag, Value: v.Value}, nil
	}
	return nil, fmt.Errorf("unexpected SDK event %T", ev)
}

// sdkDecode is SDKDecoder's view of one wire event.
func sdkDecode(eventType string, payload []byte) ([]rockstream.Event, error) {
	ev, err := sdkDeserialize(eventType, payload)
	if err != nil {
		return nil, err
	}
	return NewSDKDecoder().Decode(nil, ev)
}

func FuzzStreamDecoder(f *testing.F) {
	for _, evs := range wireStreams {
		for _, fr := range wireFrames(f, evs) {
			f.Add(fr.EventType, fr.Payload)
		}
	}
	f.Add("contentBlockDelta", []byte(`{"p":"abc","contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"b3BhcXVl"}}}`))
	f.Add("messageStop", []byte(`{"stopReason":"stop_sequence","additionalModelResponseFields":{"stop_sequence":"END"}}`))
	f.Add("metadata", []byte(`{"usage":{"inputTokens":1,"cacheWriteInputTokens":2},"metrics":{"latencyMs":9223372036854775807},"trace":{}}`))
	f.Add("futureEvent", []byte(`{`))
	f.Add("messageStop", []byte("{\"stopReason\":\"\xc6\"}"))
	f.Add("contentBlockDelta", []byte(`{"contentBlockIndex":0,"delta":{"citation":{"title":"x"}}}`))
	f.Fuzz(func(t *testing.T, eventType string, payload []byte) {
		got, err := NewStreamDecoder().Decode(nil, eventType, payload)
		again, err2 := NewStreamDecoder().Decode(nil, eventType, payload)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(got, again) {
			t.Fatalf("unstable: %+v, %v then %+v, %v", got, err, again, err2)
		}
		if err != nil {
			if len(got) != 0 {
				t.Fatalf("events with an error: %+v", got)
			}
			if _, sdkErr := sdkDecode(eventType, payload); sdkErr == nil && checkedLikeSDK(payload) {
				t.Fatalf("StreamDecoder error %v, SDK none", err)
			}
			return
		}
		if len(got) > 1 {
			t.Fatalf("one wire event gave %d events", len(got))
		}
		// The SDK keeps invalid UTF-8 in strings without escapes, where
		// encoding/json writes U+FFFD.
		if want, sdkErr := sdkDecode(eventType, payload); sdkErr == nil && utf8.Valid(payload) && !reflect.DeepEqual(got, want) {
			t.Fatalf("StreamDecoder %+v, SDKDecoder %+v", got, want)
		} else if sdkErr != nil && checkedLikeSDK(payload) {
			t.Fatalf("StreamDecoder %+v, SDK error %v", got, sdkErr)
		}
		if len(got) == 1 {
			reencode(t, got[0])
		}
	})
}

// checkedLikeSDK reports whether StreamDecoder should accept payload
// exactly when the SDK does: it is well-formed UTF-8 JSON and names none of
// the members StreamDecoder does not look into.
func checkedLikeSDK(payload []byte) bool {
	if !json.Valid(payload) || !utf8.Valid(payload) {
		return false
	}
	for _, k := range []string{"cacheDetails", "trace", "performanceConfig", "serviceTier", "citation", "toolResult", "image"} {
		if bytes.Contains(payload, []byte(k)) {
			return false
		}
	}
	return true
}

// reencode checks a decoded event survives encoding and decoding again,
// where the wire can carry it whole.
func reencode(t *testing.T, ev rockstream.Event) {
	e := NewStreamEncoder()
	var frames []Frame
	var err error
	switch ev := ev.(type) {
	case rockstream.MessageStop:
		return // the encoder writes no stop sequence and defaults the reason
	case rockstream.Metadata:
		if ev.Metrics.InvocationLatency%time.Millisecond != 0 {
			return // latencyMs overflowed time.Duration, as with SDKDecoder
		}
		frames, _ = e.Encode(frames, rockstream.MessageStop{})
	}
	if frames, err = e.Encode(frames, ev); err != nil {
		t.Fatalf("re-encoding %+v: %v", ev, err)
	}
	d := NewStreamDecoder()
	var got []rockstream.Event
	for _, fr := range frames {
		if got, err = d.Decode(got, fr.EventType, fr.Payload); err != nil {
			t.Fatalf("decoding re-encoded %s %s: %v", fr.EventType, fr.Payload, err)
		}
	}
	if len(got) == 0 || !reflect.DeepEqual(got[len(got)-1], ev) {
		t.Fatalf("re-encoded %+v decodes to %+v", ev, got)
	}
}
