package builtin

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

func TestScript(t *testing.T) {
	t.Parallel()
	script, err := LoadScript(filepath.Join("testdata", "script.json"))
	if err != nil {
		t.Fatal(err)
	}
	b := New(Options{Pace: &Pace{}, Script: script})
	tests := []struct {
		name      string
		model     string
		prompt    string
		wantText  string // "" to skip the check
		wantTool  string
		wantInput string
		wantStop  rockstream.StopReason
	}{
		{"text", catalog.DefaultModel, "What is the capital of France?", "The capital of France is Paris.", "", "", rockstream.StopEndTurn},
		{"text and tool", catalog.DefaultModel, "How's the weather?", "Let me check.", "get_weather", `{"city":"Paris","days":2}`, rockstream.StopToolUse},
		{"model filter", "amazon.nova-lite-v1:0", "How's the weather?", "Models outside Anthropic's family get no tool call.", "", "", rockstream.StopEndTurn},
		{"tool only", catalog.DefaultModel, "only a tool please", "", "ping", `{}`, rockstream.StopToolUse},
		{"no match composes", catalog.DefaultModel, "Tell me about owls", "", "", "", rockstream.StopEndTurn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(tt.model, tt.prompt)
			evs, err := collect(t, context.Background(), b, req)
			if err != nil {
				t.Fatal(err)
			}
			acc := accumulate(t, evs)
			if tt.wantText != "" && acc.Text() != tt.wantText {
				t.Errorf("text %q, want %q", acc.Text(), tt.wantText)
			}
			if tt.name == "no match composes" && acc.Text() == "" {
				t.Error("no composed answer")
			}
			calls, err := acc.ToolCalls()
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantTool == "" && len(calls) != 0 || tt.wantTool != "" && (len(calls) != 1 || calls[0].Name != tt.wantTool || string(calls[0].Input) != tt.wantInput) {
				t.Errorf("calls %+v, want %s %s", calls, tt.wantTool, tt.wantInput)
			}
			if acc.StopReason() != tt.wantStop {
				t.Errorf("stop %s, want %s", acc.StopReason(), tt.wantStop)
			}
			text, n := deltas(evs)
			if !slices.Equal(text, b.Tokens(req)) || acc.Usage().OutputTokens != n {
				t.Error("stream inconsistent with Tokens() or usage")
			}
		})
	}

	// Scripted text honours max_tokens like composed text.
	req := request(catalog.DefaultModel, "capital of France")
	req.MaxTokens = 3
	acc := accumulate(t, must(collect(t, context.Background(), b, req)))
	if acc.Text() != "The capital of" || acc.StopReason() != rockstream.StopMaxTokens {
		t.Errorf("text %q stop %s", acc.Text(), acc.StopReason())
	}
}

func TestParseScriptErrors(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		``, `{"answers":[{"prompt":"x"}]}`, `{"answers":[{"prompt":"(","text":"x"}]}`,
		`{"answers":[{"model":"[","text":"x"}]}`, `{"answers":[{"tool":{"input":{}}}]}`,
		`{"answers":[{"tool":{"name":"f","input":[1]}}]}`, `{"answers":[{"tool":{"name":"f","input":null}}]}`,
		`{"answers":[{"text":"x","extra":1}]}`,
	} {
		if _, err := ParseScript([]byte(data)); err == nil {
			t.Errorf("ParseScript(%s) accepted", data)
		}
	}
}

func FuzzScript(f *testing.F) {
	f.Add(`{"answers":[{"model":"a","prompt":"b","text":"hello there","tool":{"name":"f","input":{"x":1}}}]}`)
	f.Add(`{"answers":[{"text":"x"}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		s, err := ParseScript([]byte(data))
		if err != nil {
			return
		}
		for _, a := range s.answers {
			if a.text == "" && a.tool == nil {
				t.Fatal("empty answer accepted")
			}
			if a.tool != nil && (a.tool.Name == "" || len(a.tool.Input) == 0 || a.tool.Input[0] != '{') {
				t.Fatalf("bad tool accepted: %+v", a.tool)
			}
		}
		req := request(catalog.DefaultModel, "b")
		New(Options{Pace: &Pace{}, Script: s}).Tokens(req)
	})
}
