package anthropic

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
)

func decodeAll(t *testing.T, chunks [][]byte) ([]rockstream.Event, *StreamDecoder) {
	t.Helper()
	d := NewStreamDecoder()
	var evs []rockstream.Event
	for i, c := range chunks {
		var err error
		if evs, err = d.Decode(evs, c); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
	}
	return evs, d
}

func encodeAll(t *testing.T, evs []rockstream.Event) [][]byte {
	t.Helper()
	e := NewStreamEncoder()
	var out [][]byte
	for _, ev := range evs {
		var err error
		if out, err = e.Encode(out, ev); err != nil {
			t.Fatalf("%T: %v", ev, err)
		}
	}
	out, err := e.Flush(out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStreamDecodeGolden(t *testing.T) {
	evs, d := decodeAll(t, readLines(t, "stream.jsonl"))
	if !d.Done() {
		t.Error("Done() = false after message_stop")
	}
	golden(t, "stream.events.golden", formatEvents(t, evs))

	var acc rockstream.Accumulator
	for _, ev := range evs {
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	calls, err := acc.ToolCalls()
	if err != nil || len(calls) != 1 || string(calls[0].Input) != `{"city": "Paris", "unit": "celsius"}` {
		t.Errorf("tool calls = %+v, %v", calls, err)
	}
}

func TestStreamEncodeGolden(t *testing.T) {
	evs, _ := decodeAll(t, readLines(t, "stream.jsonl"))
	got := encodeAll(t, evs)
	golden(t, "stream.encoded.golden", joinLines(got))

	// The encoded stream decodes to the same events.
	again, d := decodeAll(t, got)
	if !d.Done() {
		t.Error("re-decoded stream not Done")
	}
	if !reflect.DeepEqual(again, evs) {
		t.Errorf("round trip differs:\n got %s\nwant %s", formatEvents(t, again), formatEvents(t, evs))
	}
}

func TestStreamEndsBeforeMessageStop(t *testing.T) {
	lines := readLines(t, "stream.jsonl")
	for cut := range len(lines) - 1 {
		_, d := decodeAll(t, lines[:cut+1])
		if d.Done() {
			t.Errorf("Done() after %d of %d chunks", cut+1, len(lines))
		}
	}
}

func TestStreamErrorChunk(t *testing.T) {
	tests := []struct {
		name      string
		chunk     string
		class     rockstream.ErrorClass
		code      string
		status    int
		retryable bool
	}{
		{"overloaded", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
			rockstream.ClassUnavailable, "overloaded_error", 529, true},
		{"rate limit", `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`,
			rockstream.ClassThrottling, "rate_limit_error", 429, true},
		{"bedrock exception", `{"type":"error","error":{"type":"modelStreamErrorException","message":"boom"}}`,
			rockstream.ClassModel, "ModelStreamErrorException", 424, false},
		{"unknown", `{"type":"error","error":{"type":"weird_error","message":"?"}}`,
			rockstream.ClassUnknown, "weird_error", 500, false},
		{"no error object", `{"type":"error"}`, rockstream.ClassProtocol, "", 502, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := readLines(t, "stream.jsonl")
			evs, d := decodeAll(t, lines[:3])
			n := len(evs)
			evs, err := d.Decode(evs, []byte(tt.chunk))
			var e *rockstream.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *rockstream.Error", err)
			}
			if e.Class != tt.class || e.Code != tt.code || e.StatusCode != tt.status || e.Retryable != tt.retryable || !e.InStream {
				t.Errorf("error = %+v", e)
			}
			if len(evs) != n || d.Done() {
				t.Errorf("error chunk added events or ended the stream")
			}
		})
	}
}

func TestStreamDecodeRejects(t *testing.T) {
	start := `{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"x","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}`
	text0 := `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`
	tests := []struct {
		name   string
		chunks []string
	}{
		{"not json", []string{`{"type":`}},
		{"no type", []string{`{"index":0}`}},
		{"delta before start", []string{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}`}},
		{"second message_start", []string{start, start}},
		{"delta for unopened block", []string{start, `{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}}`}},
		{"wrong delta kind", []string{start, text0, `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{"}}`}},
		{"block started twice", []string{start, text0, text0}},
		{"negative index", []string{start, `{"type":"content_block_stop","index":-1}`}},
		{"missing index", []string{start, `{"type":"content_block_stop"}`}},
		{"unknown block", []string{start, `{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use"}}`}},
		{"after message_stop", []string{start, `{"type":"message_stop"}`, text0}},
		{"message_delta without delta", []string{start, `{"type":"message_delta"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewStreamDecoder()
			var err error
			for _, c := range tt.chunks {
				if _, err = d.Decode(nil, []byte(c)); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			var e *rockstream.Error
			if errors.As(err, &e) {
				t.Errorf("malformed stream reported as a model error: %v", err)
			}
		})
	}
}

func TestStreamDecodeFirstPartyWithoutMetrics(t *testing.T) {
	chunks := []string{
		`{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":5}}`,
		`{"type":"message_stop"}`,
	}
	var raw [][]byte
	for _, c := range chunks {
		raw = append(raw, []byte(c))
	}
	evs, d := decodeAll(t, raw)
	if !d.Done() {
		t.Fatal("not done")
	}
	want := []rockstream.Event{
		rockstream.MessageStart{ID: "msg_01", Model: "claude-sonnet-4-5", Usage: rockstream.Usage{InputTokens: 10, OutputTokens: 1}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: "Hi"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopSequenceHit, StopSequence: "END"},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 10, OutputTokens: 5}},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("got  %s\nwant %s", formatEvents(t, evs), formatEvents(t, want))
	}
}
