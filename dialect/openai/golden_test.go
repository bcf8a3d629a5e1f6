package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// encodeCases are neutral streams, as backends yield them.
var encodeCases = map[string]struct {
	usage  bool
	events []rockstream.Event
	fail   *rockstream.Error // in-band failure after the events
}{
	"text_usage": {usage: true, events: []rockstream.Event{
		rockstream.MessageStart{ID: "msg_1", Model: "m", Usage: rockstream.Usage{InputTokens: 10}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: "Hello"},
		rockstream.TextDelta{Index: 0, Text: ",\nworld"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{OutputTokens: 3}, Metrics: rockstream.Metrics{FirstByteLatency: time.Second}},
	}},
	"text_no_usage_max_tokens": {events: []rockstream.Event{
		rockstream.TextDelta{Index: 0, Text: "Once upon"},
		rockstream.MessageStop{StopReason: rockstream.StopMaxTokens},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 5, OutputTokens: 2}},
	}},
	"tools": {usage: true, events: []rockstream.Event{
		rockstream.MessageStart{ID: "msg_2", Model: "m", Usage: rockstream.Usage{InputTokens: 30, CacheReadInputTokens: 4}},
		rockstream.TextDelta{Index: 0, Text: "Checking."},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockToolUse, ToolUseID: "toolu_a", Name: "get_weather"},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `{"city":`},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `"Paris"}`},
		rockstream.BlockStop{Index: 1},
		rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "toolu_b", Name: "get_time"},
		rockstream.BlockStop{Index: 2},
		rockstream.MessageStop{StopReason: rockstream.StopToolUse},
		rockstream.Metadata{Usage: rockstream.Usage{OutputTokens: 20}},
	}},
	"reasoning_filtered": {events: []rockstream.Event{
		rockstream.MessageStart{ID: "msg_3", Model: "m"},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockThinking},
		rockstream.ReasoningDelta{Index: 0, Text: "Hmm."},
		rockstream.SignatureDelta{Index: 0, Signature: "sig"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopGuardrail},
	}},
	"error_after_text": {usage: true, events: []rockstream.Event{
		rockstream.MessageStart{ID: "msg_4", Model: "m", Usage: rockstream.Usage{InputTokens: 7}},
		rockstream.TextDelta{Index: 0, Text: "Par"},
	}, fail: rockstream.BedrockError("ModelStreamErrorException", "The model failed.")},
}

func TestEncodeGolden(t *testing.T) {
	for name, tc := range encodeCases {
		t.Run(name, func(t *testing.T) {
			enc := NewStreamEncoder(ChunkInfo{ID: "chatcmpl-x", Model: "m", Created: 1700000000, IncludeUsage: tc.usage})
			var chunks [][]byte
			for _, ev := range tc.events {
				chunks = enc.Encode(chunks, ev)
			}
			if tc.fail != nil {
				chunks = enc.Fail(chunks, tc.fail)
			} else {
				chunks = enc.Close(chunks)
			}
			var wire []byte
			for _, c := range chunks {
				wire = sse.AppendEvent(wire, sse.Event{Data: c})
			}
			golden(t, filepath.Join("testdata", "encode", name+".golden"), wire)
		})
	}
}

// describe writes one event per line, for golden files, naming only the
// fields the OpenAI dialect carries.
func describe(w io.Writer, ev rockstream.Event) {
	switch e := ev.(type) {
	case rockstream.MessageStart:
		fmt.Fprintf(w, "MessageStart id=%s model=%s\n", e.ID, e.Model)
	case rockstream.BlockStart:
		fmt.Fprintf(w, "BlockStart %d %s id=%s name=%s\n", e.Index, e.Type, e.ToolUseID, e.Name)
	case rockstream.TextDelta:
		fmt.Fprintf(w, "TextDelta %d %q\n", e.Index, e.Text)
	case rockstream.ReasoningDelta:
		fmt.Fprintf(w, "ReasoningDelta %d %q\n", e.Index, e.Text)
	case rockstream.ToolInputDelta:
		fmt.Fprintf(w, "ToolInputDelta %d %q\n", e.Index, e.PartialJSON)
	case rockstream.BlockStop:
		fmt.Fprintf(w, "BlockStop %d\n", e.Index)
	case rockstream.MessageStop:
		fmt.Fprintf(w, "MessageStop %s\n", e.StopReason)
	case rockstream.Metadata:
		fmt.Fprintf(w, "Metadata input=%d output=%d cache_read=%d\n", e.Usage.InputTokens, e.Usage.OutputTokens, e.Usage.CacheReadInputTokens)
	default:
		fmt.Fprintf(w, "%T\n", ev)
	}
}

func TestDecodeGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "decode", "*.sse"))
	if len(files) == 0 {
		t.Fatal("no decode transcripts")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			dec := NewChunkDecoder()
			r := sse.NewReader(bytes.NewReader(in))
			var evs []rockstream.Event
			for {
				m, err := r.Next()
				if err != nil {
					if err != io.EOF {
						fmt.Fprintf(&out, "read error: %v\n", err)
					}
					break
				}
				if m.IsDone() {
					evs = dec.Flush(evs)
					fmt.Fprintln(&out, "[DONE]")
					break
				}
				evs, err = dec.Decode(evs, m.Data)
				if err != nil {
					var re *rockstream.Error
					errors.As(err, &re)
					fmt.Fprintf(&out, "error: class=%s status=%d retryable=%v in_stream=%v %q\n", re.Class, re.StatusCode, re.Retryable, re.InStream, re.Message)
					break
				}
			}
			for _, ev := range evs {
				describe(&out, ev)
			}
			fmt.Fprintf(&out, "done=%v\n", dec.Done())
			golden(t, strings.TrimSuffix(f, ".sse")+".golden", out.Bytes())
		})
	}
}

// TestEncodeDecodeRoundTrip checks the two directions agree: what the
// encoder sends, the decoder reads back to the same answer.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	for name, tc := range encodeCases {
		if tc.fail != nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var want rockstream.Accumulator
			enc := NewStreamEncoder(ChunkInfo{ID: "c", Model: "m", IncludeUsage: true})
			var chunks [][]byte
			for _, ev := range tc.events {
				if err := want.Add(ev); err != nil {
					t.Fatal(err)
				}
				chunks = enc.Encode(chunks, ev)
			}
			chunks = enc.Close(chunks)
			dec := NewChunkDecoder()
			var evs []rockstream.Event
			for _, c := range chunks {
				var err error
				if evs, err = dec.Decode(evs, c); err != nil {
					t.Fatal(err)
				}
			}
			evs = dec.Flush(evs)
			var got rockstream.Accumulator
			for _, ev := range evs {
				if err := got.Add(ev); err != nil {
					t.Fatal(err)
				}
			}
			if !dec.Done() {
				t.Fatal("decoder not done")
			}
			if got.Text() != want.Text() {
				t.Errorf("text %q, want %q", got.Text(), want.Text())
			}
			if got.StopReason() != normalStop(want.StopReason()) {
				t.Errorf("stop %q, want %q", got.StopReason(), want.StopReason())
			}
			gc, _ := got.ToolCalls()
			wc, _ := want.ToolCalls()
			if fmt.Sprint(gc) != fmt.Sprint(wc) {
				t.Errorf("tool calls %v, want %v", gc, wc)
			}
			gu, wu := got.Usage(), want.Usage()
			if gu.InputTokens != wu.InputTokens || gu.OutputTokens != wu.OutputTokens || gu.CacheReadInputTokens != wu.CacheReadInputTokens {
				t.Errorf("usage %+v, want %+v", gu, wu)
			}
		})
	}
}

// normalStop is what survives OpenAI's coarser finish reasons.
func normalStop(r rockstream.StopReason) rockstream.StopReason {
	switch r {
	case rockstream.StopSequenceHit:
		return rockstream.StopEndTurn
	case rockstream.StopGuardrail:
		return rockstream.StopContentFiltered
	}
	return r
}

func TestEncodeCompletionGolden(t *testing.T) {
	resp := &rockstream.Response{ID: "msg_1", Model: "m", StopReason: rockstream.StopToolUse,
		Usage: rockstream.Usage{InputTokens: 9, OutputTokens: 4},
		Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
			{Type: rockstream.BlockText, Text: "Checking."},
			{Type: rockstream.BlockToolUse, ToolUseID: "toolu_a", Name: "get_weather", Input: json.RawMessage(`{"city":"Paris"}`)},
		}}}
	var out bytes.Buffer
	json.Indent(&out, EncodeCompletion(resp, ChunkInfo{ID: "chatcmpl-x", Model: "m", Created: 1700000000}), "", "  ")
	out.WriteByte('\n')
	golden(t, filepath.Join("testdata", "completion_tools.golden"), out.Bytes())
}

func FuzzChunkDecoder(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "decode", "*.sse"))
	for _, file := range files {
		in, _ := os.ReadFile(file)
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		dec := NewChunkDecoder()
		r := sse.NewReader(bytes.NewReader(in))
		var acc rockstream.Accumulator
		for range 1000 {
			m, err := r.Next()
			if err != nil || m.IsDone() {
				break
			}
			evs, err := dec.Decode(nil, m.Data)
			for _, ev := range evs {
				if err := acc.Add(ev); err != nil {
					t.Fatalf("decoder produced a stream that does not fold: %v", err)
				}
			}
			if err != nil {
				var re *rockstream.Error
				if !errors.As(err, &re) {
					t.Fatalf("untyped error %T: %v", err, err)
				}
				break
			}
		}
	})
}
