package main

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

// seqOf yields events, then err if it is not nil.
func seqOf(err error, events ...rockstream.Event) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range events {
			if !yield(ev, nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

// story is a complete two-delta answer.
func story() []rockstream.Event {
	return []rockstream.Event{
		rockstream.MessageStart{ID: "msg_1", Model: "m", RequestID: "req-1", Usage: rockstream.Usage{InputTokens: 12}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: "Once upon"},
		rockstream.TextDelta{Index: 0, Text: " a time."},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 12, OutputTokens: 5},
			Metrics: rockstream.Metrics{FirstByteLatency: 300 * time.Millisecond, InvocationLatency: 900 * time.Millisecond}},
	}
}

// tickingClock advances by step on every call.
func tickingClock(start time.Time, step time.Duration) func() time.Time {
	t := start
	return func() time.Time { t = t.Add(step); return t }
}

func TestConsume(t *testing.T) {
	t.Parallel()
	boom := rockstream.BedrockError("ModelStreamErrorException", "the model failed")
	boom.RequestID = "req-err"
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		seq      iter.Seq2[rockstream.Event, error]
		kind     rockstream.OutcomeKind
		text     string
		out      string
		reqID    string
		exitCode int
	}{
		{"complete", context.Background(), seqOf(nil, story()...), rockstream.Complete, "Once upon a time.", "Once upon a time.\n", "req-1", 0},
		{"truncated", context.Background(), seqOf(nil,
			rockstream.MessageStart{}, rockstream.TextDelta{Text: "cut"}, rockstream.MessageStop{StopReason: rockstream.StopMaxTokens}),
			rockstream.Truncated, "cut", "cut\n", "", 0},
		{"error after events keeps them", context.Background(), seqOf(boom, story()[:3]...),
			rockstream.Failed, "Once upon", "Once upon\n", "req-1", 1},
		{"error before any event", context.Background(), seqOf(boom), rockstream.Failed, "", "", "req-err", 1},
		{"end without MessageStop is incomplete", context.Background(), seqOf(nil, story()[:4]...),
			rockstream.Failed, "Once upon a time.", "Once upon a time.\n", "req-1", 1},
		{"cancelled", cancelled, seqOf(errors.New("use of closed network connection"), story()[:3]...),
			rockstream.Cancelled, "Once upon", "Once upon\n", "req-1", 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			start := time.Unix(1000, 0)
			a := consume(tt.ctx, tt.seq, &textPrinter{w: &out}, start, tickingClock(start, 100*time.Millisecond))
			if a.outcome.Kind != tt.kind {
				t.Fatalf("kind = %s (err %v), want %s", a.outcome.Kind, a.outcome.Err, tt.kind)
			}
			if got := a.acc.Text(); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			if out.String() != tt.out {
				t.Errorf("stdout = %q, want %q", out.String(), tt.out)
			}
			if a.outcome.RequestID != tt.reqID {
				t.Errorf("request ID = %q, want %q", a.outcome.RequestID, tt.reqID)
			}
			if got := exitCode(a.outcome.Kind); got != tt.exitCode {
				t.Errorf("exit code = %d, want %d", got, tt.exitCode)
			}
		})
	}
}

func TestConsumeTiming(t *testing.T) {
	t.Parallel()
	start := time.Unix(1000, 0)
	// The clock ticks once per token check and once at the end: the first
	// token is seen on the first tick.
	a := consume(context.Background(), seqOf(nil, story()...), &textPrinter{w: &strings.Builder{}}, start, tickingClock(start, time.Second))
	if a.outcome.TimeToFirstToken != time.Second {
		t.Errorf("time to first token = %s, want 1s", a.outcome.TimeToFirstToken)
	}
	if a.outcome.Latency != 2*time.Second {
		t.Errorf("latency = %s, want 2s", a.outcome.Latency)
	}
	if a.outcome.Usage.OutputTokens != 5 || a.outcome.Usage.InputTokens != 12 {
		t.Errorf("usage = %+v", a.outcome.Usage)
	}
}

// failingWriter fails every write, as a closed stdout does.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("write /dev/stdout: broken pipe")
}

func TestConsumeStopsOnWriteError(t *testing.T) {
	t.Parallel()
	pulled := 0
	seq := func(yield func(rockstream.Event, error) bool) {
		for _, ev := range story() {
			pulled++
			if !yield(ev, nil) {
				return
			}
		}
	}
	w := &failingWriter{}
	a := consume(context.Background(), seq, &textPrinter{w: w}, time.Now(), time.Now)
	if a.outcome.Kind != rockstream.Failed {
		t.Fatalf("kind = %s, want error", a.outcome.Kind)
	}
	if pulled != 3 {
		t.Errorf("pulled %d events, want the stream stopped at the first text (3)", pulled)
	}
}
