package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

// everyEvent is one of each event kind, as a tool-using, reasoning answer.
func everyEvent() []rockstream.Event {
	return []rockstream.Event{
		rockstream.MessageStart{ID: "msg_1", Model: "anthropic.claude-3-sonnet-20240229-v1:0", RequestID: "req-1", Usage: rockstream.Usage{InputTokens: 20, CacheReadInputTokens: 4}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockThinking},
		rockstream.ReasoningDelta{Index: 0, Text: "Weather needs a tool."},
		rockstream.SignatureDelta{Index: 0, Signature: "sig=="},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 1, Text: "Let me check <that> & see."},
		rockstream.BlockStop{Index: 1},
		rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "tu_1", Name: "weather"},
		rockstream.ToolInputDelta{Index: 2, PartialJSON: `{"city":`},
		rockstream.ToolInputDelta{Index: 2, PartialJSON: `"Paris"}`},
		rockstream.BlockStop{Index: 2},
		rockstream.MessageStop{StopReason: rockstream.StopToolUse},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 20, OutputTokens: 31},
			Metrics: rockstream.Metrics{FirstByteLatency: 250 * time.Millisecond, InvocationLatency: 1200 * time.Millisecond}},
	}
}

func TestJSONPrinterGolden(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	start := time.Unix(1000, 0)
	consume(context.Background(), seqOf(nil, everyEvent()...), newJSONPrinter(&out), start, tickingClock(start, 50*time.Millisecond))
	golden(t, "events.ndjson.golden", out.String())
}

func TestJSONPrinterLines(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	boom := rockstream.BedrockError("ThrottlingException", "Too many requests, please wait before trying again.")
	boom.InStream, boom.RetryAfter = true, 2*time.Second
	consume(context.Background(), seqOf(boom, story()[:3]...), newJSONPrinter(&out), time.Now(), time.Now)
	var types []string
	var last map[string]any
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		last = nil
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		types = append(types, last["type"].(string))
	}
	want := "message_start block_start text_delta outcome"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("types = %s, want %s", got, want)
	}
	if last["kind"] != "error" {
		t.Errorf("outcome kind = %v, want error", last["kind"])
	}
	e, _ := last["error"].(map[string]any)
	if e["code"] != "ThrottlingException" || e["class"] != "throttling" || e["retryable"] != true || e["retry_after_ms"] != 2000.0 {
		t.Errorf("outcome error = %v", e)
	}
}

func TestTextPrinter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		events []rockstream.Event
		want   string
	}{
		{"adds a final newline", story(), "Once upon a time.\n"},
		{"keeps a final newline", []rockstream.Event{rockstream.TextDelta{Text: "a\n"}}, "a\n"},
		{"nothing printed, no newline", []rockstream.Event{rockstream.MessageStart{}}, ""},
		{"only text", everyEvent(), "Let me check <that> & see.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			p := &textPrinter{w: &out}
			for _, ev := range tt.events {
				if err := p.event(ev); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.outcome(rockstream.Outcome{}); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestRawPrinter(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	p := &rawPrinter{w: &out}
	p.chunk([]byte(`{"type":"message_start"}`))
	p.chunk([]byte(`{"type":"message_stop"}`))
	if err := p.event(rockstream.TextDelta{Text: "not printed"}); err != nil {
		t.Fatal(err)
	}
	want := "{\"type\":\"message_start\"}\n{\"type\":\"message_stop\"}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	bad := &rawPrinter{w: &failingWriter{}}
	bad.chunk([]byte(`{}`))
	if bad.event(rockstream.TextDelta{}) == nil {
		t.Error("a failed chunk write did not stop the stream")
	}
}
