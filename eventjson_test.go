package rockstream

import (
	"reflect"
	"testing"
	"time"
)

var allEvents = []Event{
	MessageStart{ID: "msg_1", Model: "m", RequestID: "r-1", Resolved: "us.m", Usage: Usage{InputTokens: 3}},
	BlockStart{Index: 1, Type: BlockToolUse, ToolUseID: "toolu_1", Name: "f"},
	TextDelta{Index: 0, Text: ""},
	TextDelta{Index: 0, Text: "Hi \"there\"\n"},
	ToolInputDelta{Index: 1, PartialJSON: `{"a":`},
	ReasoningDelta{Index: 2, Text: "hmm"},
	SignatureDelta{Index: 2, Signature: "c2ln"},
	BlockStop{Index: 0},
	MessageStop{StopReason: StopSequenceHit, StopSequence: "END", AdditionalFields: `{"stop_sequence":"END"}`},
	Metadata{Usage: Usage{InputTokens: 3, OutputTokens: 9, CacheReadInputTokens: 1}, Metrics: Metrics{FirstByteLatency: 12 * time.Millisecond, InvocationLatency: 340 * time.Millisecond}, Latency: "optimized", ServiceTier: "priority"},
}

func TestEventJSONRoundTrip(t *testing.T) {
	for _, ev := range allEvents {
		b, err := MarshalEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalEvent(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(back, ev) {
			t.Errorf("%s: got %#v, want %#v", b, back, ev)
		}
	}
}

func TestEventJSONShape(t *testing.T) {
	b, _ := MarshalEvent(TextDelta{Index: 0, Text: ""})
	if string(b) != `{"type":"text_delta","index":0,"text":""}` {
		t.Errorf("text_delta = %s", b)
	}
	b, _ = MarshalEvent(MessageStop{StopReason: StopEndTurn})
	if string(b) != `{"type":"message_stop","stop_reason":"end_turn"}` {
		t.Errorf("message_stop = %s", b)
	}
}

func FuzzUnmarshalEvent(f *testing.F) {
	for _, ev := range allEvents {
		b, _ := MarshalEvent(ev)
		f.Add(b)
	}
	f.Add([]byte(`{"type":"nope"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := UnmarshalEvent(b)
		if err != nil {
			return
		}
		again, err := MarshalEvent(ev)
		if err != nil {
			t.Fatalf("decoded event %#v does not marshal: %v", ev, err)
		}
		if back, err := UnmarshalEvent(again); err != nil || !reflect.DeepEqual(back, ev) {
			t.Fatalf("second round trip changed %#v to %#v (%v)", ev, back, err)
		}
	})
}

func TestEventJSONKeepsMarkupReadable(t *testing.T) {
	b, _ := MarshalEvent(TextDelta{Text: "<b>&</b>"})
	if string(b) != `{"type":"text_delta","index":0,"text":"<b>&</b>"}` {
		t.Errorf("got %s", b)
	}
}
