package anthropic

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

// A Converse-style stream: text without BlockStart, no IDs.
var converseStyle = []rockstream.Event{
	rockstream.MessageStart{Model: "claude", Usage: rockstream.Usage{InputTokens: 7}},
	rockstream.TextDelta{Index: 0, Text: "Hello"},
	rockstream.TextDelta{Index: 0, Text: " world"},
	rockstream.BlockStop{Index: 0},
	rockstream.BlockStart{Index: 1, Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "f"},
	rockstream.ToolInputDelta{Index: 1, PartialJSON: `{"a":1}`},
	rockstream.MessageStop{StopReason: rockstream.StopToolUse},
	rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 7, OutputTokens: 3},
		Metrics: rockstream.Metrics{FirstByteLatency: 90 * time.Millisecond, InvocationLatency: 400 * time.Millisecond}},
}

func TestSSEEncoder(t *testing.T) {
	e := NewSSEEncoder()
	var got []SSEEvent
	for _, ev := range converseStyle {
		out, err := e.Encode(ev)
		if err != nil {
			t.Fatalf("%T: %v", ev, err)
		}
		if _, held := ev.(rockstream.MessageStop); held && len(out) != 1 {
			t.Errorf("MessageStop gave %d events, want only the open block's stop", len(out))
		}
		got = append(got, out...)
	}
	if rest, err := e.Flush(); err != nil || rest != nil {
		t.Errorf("Flush after Metadata = %v, %v", rest, err)
	}
	var names []string
	var lines strings.Builder
	for _, ev := range got {
		var typ struct{ Type string }
		if err := json.Unmarshal(ev.Data, &typ); err != nil || typ.Type != ev.Name {
			t.Errorf("event %s has data type %q (%v)", ev.Name, typ.Type, err)
		}
		names = append(names, ev.Name)
		lines.Write(ev.Data)
		lines.WriteByte('\n')
	}
	want := []string{"message_start", "content_block_start", "content_block_delta", "content_block_delta",
		"content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
		"message_delta", "message_stop"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("names = %v", names)
	}
	s := lines.String()
	if !strings.Contains(s, `"id":"msg_01`) || strings.Contains(s, "bdrk") || strings.Contains(s, "invocationMetrics") {
		t.Errorf("first-party stream has Bedrock traits or no msg_ ID:\n%s", s)
	}
	if !strings.Contains(s, `"usage":{"output_tokens":3}`) || !strings.HasSuffix(s, `{"type":"message_stop"}`+"\n") {
		t.Errorf("message_delta usage or message_stop wrong:\n%s", s)
	}
}

func TestStreamEncoderConverseStyleRoundTrip(t *testing.T) {
	chunks := encodeAll(t, converseStyle)
	last := string(chunks[len(chunks)-1])
	if last != `{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":7,"outputTokenCount":3,"invocationLatency":400,"firstByteLatency":90}}` {
		t.Errorf("last chunk = %s", last)
	}
	if !strings.Contains(string(chunks[0]), `"id":"msg_bdrk_01`) {
		t.Errorf("message_start = %s", chunks[0])
	}
	evs, d := decodeAll(t, chunks)
	if !d.Done() {
		t.Fatal("not done")
	}
	// Decoding adds the BlockStart the neutral stream left out and the
	// generated ID; the rest is the same.
	want := []rockstream.Event{
		rockstream.MessageStart{ID: evs[0].(rockstream.MessageStart).ID, Model: "claude", Usage: rockstream.Usage{InputTokens: 7}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		converseStyle[1], converseStyle[2], converseStyle[3], converseStyle[4], converseStyle[5],
		rockstream.BlockStop{Index: 1},
		converseStyle[6], converseStyle[7],
	}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("got  %s\nwant %s", formatEvents(t, evs), formatEvents(t, want))
	}
}

func TestStreamEncoderFlushWithoutMetadata(t *testing.T) {
	e := NewStreamEncoder()
	var out [][]byte
	var err error
	for _, ev := range converseStyle[:7] {
		if out, err = e.Encode(out, ev); err != nil {
			t.Fatal(err)
		}
	}
	n := len(out)
	out, err = e.Flush(out)
	if err != nil || len(out) != n+2 {
		t.Fatalf("Flush gave %d chunks, %v", len(out)-n, err)
	}
	if string(out[n]) != `{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":0}}` ||
		string(out[n+1]) != `{"type":"message_stop"}` {
		t.Errorf("flushed %s %s", out[n], out[n+1])
	}
	if _, err := e.Encode(nil, rockstream.TextDelta{Text: "late"}); err == nil {
		t.Error("event after the end accepted")
	}
}

func TestStreamEncoderRejects(t *testing.T) {
	tests := []struct {
		name string
		evs  []rockstream.Event
	}{
		{"metadata before stop", []rockstream.Event{rockstream.Metadata{}}},
		{"tool input without start", []rockstream.Event{rockstream.ToolInputDelta{Index: 0, PartialJSON: "{"}}},
		{"delta kind mismatch", []rockstream.Event{rockstream.TextDelta{Index: 0}, rockstream.ReasoningDelta{Index: 0}}},
		{"stopped twice", []rockstream.Event{rockstream.TextDelta{}, rockstream.BlockStop{}, rockstream.BlockStop{}}},
		{"delta after stop", []rockstream.Event{rockstream.TextDelta{}, rockstream.BlockStop{}, rockstream.TextDelta{}}},
		{"second start", []rockstream.Event{rockstream.MessageStart{}, rockstream.MessageStart{}}},
		{"event after MessageStop", []rockstream.Event{rockstream.MessageStop{}, rockstream.TextDelta{}}},
		{"image block", []rockstream.Event{rockstream.BlockStart{Type: rockstream.BlockImage}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewStreamEncoder()
			var err error
			for _, ev := range tt.evs {
				if _, err = e.Encode(nil, ev); err != nil {
					break
				}
			}
			if err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestErrorResponse(t *testing.T) {
	tests := []struct {
		err    *rockstream.Error
		status int
		typ    string
	}{
		{rockstream.BedrockError("ValidationException", "bad"), 400, "invalid_request_error"},
		{&rockstream.Error{Class: rockstream.ClassAuth, Message: "no creds"}, 401, "authentication_error"},
		{rockstream.BedrockError("AccessDeniedException", "no"), 403, "permission_error"},
		{rockstream.BedrockError("ResourceNotFoundException", "gone"), 404, "not_found_error"},
		{rockstream.BedrockError("ThrottlingException", "slow"), 429, "rate_limit_error"},
		{rockstream.BedrockError("ModelNotReadyException", "wait"), 429, "rate_limit_error"},
		{rockstream.BedrockError("ServiceUnavailableException", "busy"), 529, "overloaded_error"},
		{rockstream.BedrockError("InternalServerException", "oops"), 500, "api_error"},
		{rockstream.BedrockError("ModelStreamErrorException", "model"), 500, "api_error"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.err.Message, func(t *testing.T) {
			tt.err.RequestID = "req-1"
			status, body := ErrorResponse(tt.err)
			want := `{"type":"error","error":{"type":"` + tt.typ + `","message":"` + tt.err.Message + `"},"request_id":"req-1"}`
			if status != tt.status || string(body) != want {
				t.Errorf("got %d %s\nwant %d %s", status, body, tt.status, want)
			}
			ev := ErrorEvent(tt.err)
			if ev.Name != "error" || string(ev.Data) != want {
				t.Errorf("event %s %s", ev.Name, ev.Data)
			}
			// The error event decodes back to the same class.
			_, err := NewStreamDecoder().Decode(nil, ev.Data)
			if e := rockstream.AsError(err); e.Class != kindOf(tt.err.Class).class {
				t.Errorf("decoded class %s", e.Class)
			}
		})
	}
}

func TestResponseRoundTrip(t *testing.T) {
	resp := &rockstream.Response{
		ID: "msg_bdrk_01x", Model: "claude-3-5-haiku-20241022",
		Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
			{Type: rockstream.BlockThinking, Text: "hmm", Signature: "s"},
			{Type: rockstream.BlockText, Text: "Hi"},
			{Type: rockstream.BlockToolUse, ToolUseID: "toolu_1", Name: "f", Input: json.RawMessage(`{"x":1}`)},
		}},
		StopReason: rockstream.StopToolUse,
		Usage:      rockstream.Usage{InputTokens: 3, OutputTokens: 4, CacheReadInputTokens: 1},
	}
	body, err := Codec{}.EncodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "response.golden.json", append(body, '\n'))
	got, err := Codec{}.DecodeResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, resp) {
		t.Errorf("got %+v\nwant %+v", got, resp)
	}
	first := EncodeMessage(&rockstream.Response{Message: resp.Message, StopReason: rockstream.StopEndTurn})
	if !strings.HasPrefix(string(first), `{"id":"msg_01`) || !strings.Contains(string(first), `"stop_reason":"end_turn","stop_sequence":null`) {
		t.Errorf("EncodeMessage = %s", first)
	}
	if _, err := (Codec{}).DecodeResponse([]byte(`{"type":"error"}`)); err == nil {
		t.Error("error body decoded as a message")
	}
}

func TestGeneratedIDs(t *testing.T) {
	evs := []rockstream.Event{rockstream.BlockStart{Index: 0, Type: rockstream.BlockToolUse, Name: "f"}}
	bedrock, err := NewStreamEncoder().Encode(nil, evs[0])
	if err != nil {
		t.Fatal(err)
	}
	first, err := NewSSEEncoder().Encode(evs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		chunks     []string
		msg, toolu string
	}{
		{[]string{string(bedrock[0]), string(bedrock[1])}, `"id":"msg_bdrk_01`, `"id":"toolu_bdrk_01`},
		{[]string{string(first[0].Data), string(first[1].Data)}, `"id":"msg_01`, `"id":"toolu_01`},
	} {
		if !strings.Contains(c.chunks[0], c.msg) || !strings.Contains(c.chunks[1], c.toolu) {
			t.Errorf("IDs in %s", c.chunks)
		}
	}
	if a, b := newID("msg_"), newID("msg_"); a == b || len(a) != len("msg_")+24 {
		t.Errorf("IDs %q %q", a, b)
	}
}
