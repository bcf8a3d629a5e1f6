package converse

import (
	"encoding/json"
	"testing"

	"github.com/rockstream/rockstream"
)

// What the model echoes (response fields, tier, latency profile) and the
// cache tokens reach Converse's messageStop and metadata, and the
// Converse response, as Bedrock writes them.
func TestEncodesEchoedFieldsAndCacheUsage(t *testing.T) {
	enc := NewStreamEncoder()
	var frames []Frame
	var err error
	for _, ev := range []rockstream.Event{
		rockstream.MessageStart{}, rockstream.TextDelta{Text: "hi"},
		rockstream.MessageStop{StopReason: rockstream.StopSequenceHit, StopSequence: "END", AdditionalFields: `{"stop_sequence":"END"}`},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 5, OutputTokens: 1, CacheReadInputTokens: 2100},
			Latency: "optimized", ServiceTier: "priority"},
	} {
		if frames, err = enc.Encode(frames, ev); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for _, f := range frames {
		got[f.EventType] = string(f.Payload)
	}
	if want := `{"stopReason":"stop_sequence","additionalModelResponseFields":{"stop_sequence":"END"}}`; got["messageStop"] != want {
		t.Errorf("messageStop %s, want %s", got["messageStop"], want)
	}
	if want := `{"usage":{"inputTokens":5,"outputTokens":1,"totalTokens":6,"cacheReadInputTokens":2100},"metrics":{"latencyMs":0},` +
		`"performanceConfig":{"latency":"optimized"},"serviceTier":{"type":"priority"}}`; got["metadata"] != want {
		t.Errorf("metadata %s, want %s", got["metadata"], want)
	}
	// And the decoders read them back.
	d := NewStreamDecoder()
	var evs []rockstream.Event
	for _, f := range frames {
		if evs, err = d.Decode(evs, f.EventType, f.Payload); err != nil {
			t.Fatal(err)
		}
	}
	md := evs[len(evs)-1].(rockstream.Metadata)
	if md.Latency != "optimized" || md.ServiceTier != "priority" || md.Usage.CacheReadInputTokens != 2100 {
		t.Errorf("decoded metadata %+v", md)
	}

	body, err := EncodeResponse(&rockstream.Response{StopReason: rockstream.StopEndTurn, AdditionalFields: `{"stop_sequence":null}`,
		Latency: "standard", ServiceTier: "flex", Usage: rockstream.Usage{InputTokens: 3, CacheWriteInputTokens: 2100}})
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Additional  map[string]any    `json:"additionalModelResponseFields"`
		Performance map[string]string `json:"performanceConfig"`
		Tier        map[string]string `json:"serviceTier"`
		Usage       map[string]int    `json:"usage"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if v, ok := resp.Additional["stop_sequence"]; !ok || v != nil || resp.Performance["latency"] != "standard" ||
		resp.Tier["type"] != "flex" || resp.Usage["cacheWriteInputTokens"] != 2100 {
		t.Errorf("response %s", body)
	}
}
