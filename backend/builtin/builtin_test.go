package builtin

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/override"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fast streams without delays.
var fast = Options{Pace: &Pace{}}

func storyRequest() *rockstream.Request {
	zero := 0.0
	return &rockstream.Request{
		Model:       catalog.DefaultModel,
		System:      []string{"You are a cheerful storyteller for children."},
		Messages:    []rockstream.Message{rockstream.UserText("Tell me a story about two puppies who find a lost ball.")},
		MaxTokens:   8000,
		Temperature: &zero,
	}
}

// collect runs a stream to its end.
func collect(t *testing.T, ctx context.Context, b *Backend, req *rockstream.Request) ([]rockstream.Event, error) {
	t.Helper()
	var evs []rockstream.Event
	for ev, err := range b.Stream(ctx, req) {
		if err != nil {
			if ev != nil {
				t.Fatalf("event %T yielded together with error %v", ev, err)
			}
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// accumulate checks that evs form a valid stream and folds them.
func accumulate(t *testing.T, evs []rockstream.Event) *rockstream.Accumulator {
	t.Helper()
	var acc rockstream.Accumulator
	for _, ev := range evs {
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := evs[0].(rockstream.MessageStart); !ok {
		t.Fatalf("first event %T, want MessageStart", evs[0])
	}
	if _, ok := evs[len(evs)-1].(rockstream.Metadata); !ok {
		t.Fatalf("last event %T, want Metadata", evs[len(evs)-1])
	}
	return &acc
}

// withoutMetrics blanks the measured timings, the only part of a stream
// that may differ between runs.
func withoutMetrics(evs []rockstream.Event) []rockstream.Event {
	out := slices.Clone(evs)
	for i, ev := range out {
		if m, ok := ev.(rockstream.Metadata); ok {
			m.Metrics = rockstream.Metrics{}
			out[i] = m
		}
	}
	return out
}

func deltas(evs []rockstream.Event) (text []string, all int) {
	for _, ev := range evs {
		switch e := ev.(type) {
		case rockstream.TextDelta:
			text = append(text, e.Text)
			all++
		case rockstream.ReasoningDelta, rockstream.ToolInputDelta:
			all++
		}
	}
	return text, all
}

func TestStoryStream(t *testing.T) {
	t.Parallel()
	req := storyRequest()
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	acc := accumulate(t, evs)
	text, n := deltas(evs)
	if want := Tokens(req); !slices.Equal(text, want) {
		t.Fatalf("streamed pieces differ from Tokens():\n%q\n%q", text, want)
	}
	if n < 200 {
		t.Errorf("story has %d tokens, want a few hundred", n)
	}
	for _, want := range []string{"rockstream's local runtime", "no AWS account", "two puppies", "system prompt", "cheerful storyteller"} {
		if !strings.Contains(acc.Text(), want) {
			t.Errorf("answer lacks %q", want)
		}
	}
	for i, piece := range text {
		if i > 0 && !strings.HasPrefix(piece, " ") && !strings.HasPrefix(piece, "\n") || strings.TrimSpace(piece) == "" {
			t.Fatalf("piece %d %q is not a word with its leading space", i, piece)
		}
	}
	u := acc.Usage()
	if u.OutputTokens != n || u.InputTokens != InputTokens(req) || u.InputTokens == 0 {
		t.Errorf("usage %+v; want %d output, %d input", u, n, InputTokens(req))
	}
	if m := acc.Metrics(); m.FirstByteLatency <= 0 || m.InvocationLatency < m.FirstByteLatency {
		t.Errorf("metrics %+v", m)
	}
	if acc.StopReason() != rockstream.StopEndTurn {
		t.Errorf("stop reason %s", acc.StopReason())
	}
	golden(t, "story.golden", acc.Text())
}

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
		t.Errorf("%s differs (run with -update after checking):\n%s", name, got)
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	b := New(fast)
	run := func(req *rockstream.Request, seed *uint64) []rockstream.Event {
		ctx := context.Background()
		if seed != nil {
			ctx = override.With(ctx, Overrides{Seed: seed})
		}
		evs, err := collect(t, ctx, b, req)
		if err != nil {
			t.Fatal(err)
		}
		return withoutMetrics(evs)
	}
	seed1, seed2 := uint64(1), uint64(2)
	zero := storyRequest()
	if a, b := run(zero, nil), run(zero, nil); !slices.Equal(a, b) {
		t.Error("temperature 0: two runs differ")
	}
	if a, b := run(zero, &seed1), run(zero, &seed2); !slices.Equal(a, b) {
		t.Error("temperature 0: the seed changed the answer")
	}
	warm := storyRequest()
	temp := 0.8
	warm.Temperature = &temp
	if a, b := run(warm, &seed1), run(warm, &seed1); !slices.Equal(a, b) {
		t.Error("temperature 0.8: the same seed gave different answers")
	}
	if a, b := run(warm, &seed1), run(warm, &seed2); slices.Equal(a, b) {
		t.Error("temperature 0.8: different seeds gave the same answer")
	}
}

func TestMaxTokens(t *testing.T) {
	t.Parallel()
	for _, max := range []int{1, 2, 17, 100} {
		req := storyRequest()
		req.MaxTokens = max
		evs, err := collect(t, context.Background(), New(fast), req)
		if err != nil {
			t.Fatal(err)
		}
		acc := accumulate(t, evs)
		text, n := deltas(evs)
		if n != max || len(text) != max || acc.StopReason() != rockstream.StopMaxTokens || acc.Usage().OutputTokens != max {
			t.Errorf("max_tokens %d: %d tokens, stop %s, usage %+v", max, n, acc.StopReason(), acc.Usage())
		}
		if want := Tokens(req); !slices.Equal(text, want) {
			t.Errorf("max_tokens %d: pieces differ from Tokens()", max)
		}
	}
}

func TestStopSequences(t *testing.T) {
	t.Parallel()
	full := strings.Join(Tokens(storyRequest()), "")
	tests := []struct {
		name  string
		stops []string
		seq   string // "" when none should hit
	}{
		{"whole words", []string{"Once upon"}, "Once upon"},
		{"inside a word", []string{"ppies"}, "ppies"},
		{"first completed wins", []string{"The end.", "Once upon", "puppies"}, "puppies"},
		{"absent", []string{"dragon"}, ""},
		{"empty ignored", []string{""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := storyRequest()
			req.StopSequences = tt.stops
			evs, err := collect(t, context.Background(), New(fast), req)
			if err != nil {
				t.Fatal(err)
			}
			acc := accumulate(t, evs)
			text, n := deltas(evs)
			if !slices.Equal(text, Tokens(req)) || acc.Usage().OutputTokens != n {
				t.Error("pieces or usage inconsistent with Tokens()")
			}
			if tt.seq == "" {
				if acc.StopReason() != rockstream.StopEndTurn || acc.Text() != full {
					t.Errorf("stop %s, text cut", acc.StopReason())
				}
				return
			}
			if want := full[:strings.Index(full, tt.seq)]; acc.Text() != want {
				t.Errorf("text %q, want %q", acc.Text(), want)
			}
			if acc.StopReason() != rockstream.StopSequenceHit || acc.StopSequence() != tt.seq {
				t.Errorf("stop %s %q, want stop_sequence %q", acc.StopReason(), acc.StopSequence(), tt.seq)
			}
		})
	}
}

func TestStopSequenceBeyondMaxTokens(t *testing.T) {
	t.Parallel()
	req := storyRequest()
	req.MaxTokens = 5
	req.StopSequences = []string{"The end."}
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	if acc := accumulate(t, evs); acc.StopReason() != rockstream.StopMaxTokens || acc.Usage().OutputTokens != 5 {
		t.Errorf("stop %s after %d tokens, want max_tokens after 5", acc.StopReason(), acc.Usage().OutputTokens)
	}
}

func TestModelIdentifiers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model string
		code  string
		msg   string
	}{
		{"", "", ""},
		{"us.anthropic.claude-3-5-haiku-20241022-v1:0", "", ""},
		{"amazon.titan-text-express-v1", "", ""},
		// A well-formed ID of a known provider that the catalog has never
		// seen is served as its provider's family; an unknown provider's is not.
		{"anthropic.claude-9-opus", "", ""},
		{"nosuchprovider.claude-9-opus", "ValidationException", "The provided model identifier is invalid."},
		{"anthropic.claude-3-5-haiku-20241022-v1:0", "ValidationException",
			"Invocation of model ID anthropic.claude-3-5-haiku-20241022-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."},
		{"anthropic.claude-instant-v1", "ResourceNotFoundException",
			"This model version has reached the end of its life. Please refer to the AWS documentation for more details."},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			req := storyRequest()
			req.Model = tt.model
			evs, err := collect(t, context.Background(), New(fast), req)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				accumulate(t, evs)
				return
			}
			var e *rockstream.Error
			if len(evs) != 0 || !errors.As(err, &e) || e.Code != tt.code || e.Message != tt.msg || e.InStream {
				t.Fatalf("got %d events, %v; want pre-stream %s: %s", len(evs), err, tt.code, tt.msg)
			}
			if Tokens(req) != nil {
				t.Error("Tokens() for a model that cannot run should be nil")
			}
		})
	}
}

func TestThinking(t *testing.T) {
	t.Parallel()
	req := storyRequest()
	req.Model, req.Temperature = thinkingModel, nil
	req.Thinking = &rockstream.Thinking{BudgetTokens: 1024}
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	acc := accumulate(t, evs)
	start, ok := evs[1].(rockstream.BlockStart)
	if !ok || start.Type != rockstream.BlockThinking || start.Index != 0 {
		t.Fatalf("second event %+v, want thinking BlockStart 0", evs[1])
	}
	var reasoning, signature bool
	for _, ev := range evs {
		switch e := ev.(type) {
		case rockstream.ReasoningDelta:
			reasoning = reasoning || e.Index == 0 && e.Text != ""
		case rockstream.SignatureDelta:
			signature = e.Index == 0 && e.Signature != "" && reasoning
		case rockstream.TextDelta:
			if e.Index != 1 {
				t.Fatalf("text in block %d, want 1", e.Index)
			}
		}
	}
	if !reasoning || !signature {
		t.Errorf("reasoning %v, signature after it %v", reasoning, signature)
	}
	msg := acc.Message()
	if len(msg.Content) != 2 || msg.Content[0].Type != rockstream.BlockThinking || msg.Content[0].Signature == "" {
		t.Errorf("message %+v", msg)
	}
	if _, n := deltas(evs); acc.Usage().OutputTokens != n {
		t.Errorf("output tokens %d, want %d deltas", acc.Usage().OutputTokens, n)
	}
}

func TestCancelMidStream(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := New(Options{Pace: &Pace{TokensPerSecond: 1}})
	var got []rockstream.Event
	var gotErr error
	for ev, err := range b.Stream(ctx, storyRequest()) {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, ev)
		if _, ok := ev.(rockstream.TextDelta); ok {
			cancel()
		}
	}
	if !errors.Is(gotErr, context.Canceled) {
		t.Fatalf("stream ended with %v, want context.Canceled", gotErr)
	}
	if _, n := deltas(got); n != 1 {
		t.Errorf("%d deltas after cancel, want 1", n)
	}
}

func TestBreakEndsStream(t *testing.T) {
	t.Parallel()
	b := New(Options{Pace: &Pace{TokensPerSecond: 1}})
	n := 0
	for range b.Stream(context.Background(), storyRequest()) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("read %d events", n)
	}
}

func TestInputTokens(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{
		System: []string{"Be brief."},
		Messages: []rockstream.Message{
			rockstream.UserText("one two three"),
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockToolUse, Name: "f", Input: []byte(`{"a": 1}`)}}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "four five"}}}}},
		},
		Tools: []rockstream.Tool{{Name: "f", Description: "does f", InputSchema: []byte(`{"type": "object"}`)}},
	}
	// 2 system + (3+3) + (3+1+2) + (3+2) + (1+2+2) tools.
	if got := InputTokens(req); got != 24 {
		t.Errorf("InputTokens = %d, want 24", got)
	}
}

func TestPieces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"Once upon a", []string{"Once", " upon", " a"}},
		{"a\n\nb ", []string{"a", "\n\nb "}},
		{"  lead", []string{"  lead"}},
		{"   ", []string{"   "}},
	}
	for _, tt := range tests {
		got := pieces(tt.in)
		if !slices.Equal(got, tt.want) || strings.Join(got, "") != tt.in {
			t.Errorf("pieces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
