package builtin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

// thinkingModel and cachingModel name a model that reasons on request
// and caches prompt prefixes (Claude 3.7 Sonnet, through its US profile).
const (
	thinkingModel = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
	cachingModel  = thinkingModel
)

func TestModelRulesRefuse(t *testing.T) {
	t.Parallel()
	one, half, k := 1.0, 0.5, 5
	tests := []struct {
		name string
		edit func(*rockstream.Request)
		want string
	}{
		{"thinking on Claude 3 Sonnet", func(r *rockstream.Request) {
			r.Model = "anthropic.claude-3-sonnet-20240229-v1:0"
			r.Thinking = &rockstream.Thinking{BudgetTokens: 1024}
		}, "extraneous key [thinking]"},
		{"thinking with temperature 0.5", func(r *rockstream.Request) {
			r.Temperature, r.Thinking = &half, &rockstream.Thinking{BudgetTokens: 1024}
		}, "`temperature` may only be set to 1"},
		{"thinking with top_k", func(r *rockstream.Request) {
			r.TopK, r.Thinking = &k, &rockstream.Thinking{BudgetTokens: 1024}
		}, "`top_k` must be unset"},
		{"thinking with top_p 0.5", func(r *rockstream.Request) {
			r.TopP, r.Thinking = &half, &rockstream.Thinking{BudgetTokens: 1024}
		}, "`top_p` must be unset"},
		{"thinking with a forced tool", func(r *rockstream.Request) {
			r.Tools, r.ToolChoice = []rockstream.Tool{weatherTool}, &rockstream.ToolChoice{Type: "any"}
			r.Thinking = &rockstream.Thinking{BudgetTokens: 1024}
		}, "forces tool use"},
		{"thinking budget over max_tokens", func(r *rockstream.Request) {
			r.Temperature, r.MaxTokens, r.Thinking = &one, 1000, &rockstream.Thinking{BudgetTokens: 1024}
		}, "`max_tokens` must be greater"},
		{"unknown tool in tool_choice", func(r *rockstream.Request) {
			r.Tools, r.ToolChoice = []rockstream.Tool{weatherTool}, &rockstream.ToolChoice{Type: "tool", Name: "get_time"}
		}, "Tool 'get_time' not found"},
		{"five cache points", func(r *rockstream.Request) {
			for range 5 {
				r.Messages[0].Content = append(r.Messages[0].Content,
					rockstream.Block{Type: rockstream.BlockText, Text: "more", Cache: &rockstream.CachePoint{}})
			}
		}, "A maximum of 4 blocks with cache_control"},
		{"malformed response field path", func(r *rockstream.Request) {
			r.ResponseFieldPaths = []string{"/stop_sequence", "stop~2reason"}
		}, "'additionalModelResponseFieldPaths.1.member' failed to satisfy constraint: Member must be a JSON Pointer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := &rockstream.Request{Model: thinkingModel, Messages: []rockstream.Message{rockstream.UserText("What is the weather in Paris?")}}
			tt.edit(req)
			_, err := collect(t, context.Background(), New(fast), req)
			var re *rockstream.Error
			if !errors.As(err, &re) || re.Code != "ValidationException" || !strings.Contains(re.Message, tt.want) {
				t.Fatalf("error %v, want a ValidationException saying %q", err, tt.want)
			}
		})
	}
}

func TestThinkingAllowsTemperatureOneAndHighTopP(t *testing.T) {
	t.Parallel()
	one, topP := 1.0, 0.95
	req := &rockstream.Request{Model: thinkingModel, Temperature: &one, TopP: &topP, MaxTokens: 4000,
		Thinking: &rockstream.Thinking{BudgetTokens: 1024}, Messages: []rockstream.Message{rockstream.UserText("hi")}}
	if _, err := collect(t, context.Background(), New(fast), req); err != nil {
		t.Fatal(err)
	}
}

// A forced tool call comes alone: no text block before it.
func TestForcedToolHasNoTextBefore(t *testing.T) {
	t.Parallel()
	for _, choice := range []rockstream.ToolChoice{{Type: "any"}, {Type: "tool", Name: "get_weather"}} {
		req := &rockstream.Request{Model: thinkingModel, Tools: []rockstream.Tool{weatherTool}, ToolChoice: &choice,
			Messages: []rockstream.Message{rockstream.UserText("What is the weather in Paris?")}}
		evs, err := collect(t, context.Background(), New(fast), req)
		if err != nil {
			t.Fatal(err)
		}
		msg := accumulate(t, evs).Message()
		if len(msg.Content) != 1 || msg.Content[0].Type != rockstream.BlockToolUse || msg.Content[0].Name != "get_weather" {
			t.Errorf("tool_choice %s: content %+v, want the tool call alone", choice.Type, msg.Content)
		}
	}
	// auto keeps the sentence a model writes before choosing a tool.
	req := &rockstream.Request{Model: thinkingModel, Tools: []rockstream.Tool{weatherTool},
		Messages: []rockstream.Message{rockstream.UserText("What is the weather in Paris?")}}
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	if msg := accumulate(t, evs).Message(); len(msg.Content) != 2 || msg.Content[0].Type != rockstream.BlockText {
		t.Errorf("tool_choice auto: content %+v, want text then the tool call", msg.Content)
	}
}

func TestEchoesTierAndResponseFields(t *testing.T) {
	t.Parallel()
	req := storyRequest()
	req.Model = thinkingModel
	req.StopSequences = []string{"puppies"}
	req.Latency, req.ServiceTier = "optimized", "priority"
	req.ResponseFieldPaths = []string{"/stop_sequence", "/usage/output_tokens", "/no_such_field"}
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	r := accumulate(t, evs).Response()
	if r.Latency != "optimized" || r.ServiceTier != "priority" {
		t.Errorf("latency %q, tier %q, want them echoed", r.Latency, r.ServiceTier)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(r.AdditionalFields), &fields); err != nil {
		t.Fatalf("additional fields %q: %v", r.AdditionalFields, err)
	}
	usage, _ := fields["usage"].(map[string]any)
	if fields["stop_sequence"] != "puppies" || usage["output_tokens"] != float64(r.Usage.OutputTokens) || len(fields) != 2 {
		t.Errorf("additional fields %s, want stop_sequence and usage.output_tokens only", r.AdditionalFields)
	}
}

func TestParsePointer(t *testing.T) {
	t.Parallel()
	for ptr, want := range map[string][]string{"": nil, "/": {""}, "/a~1b/c~0d": {"a/b", "c~d"}, "/stop_sequence": {"stop_sequence"}} {
		got, err := parsePointer(ptr)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("parsePointer(%q) = %q, %v; want %q", ptr, got, err, want)
		}
	}
	for _, bad := range []string{"a", "/a~", "/a~2"} {
		if _, err := parsePointer(bad); err == nil {
			t.Errorf("parsePointer(%q) succeeded", bad)
		}
	}
}

func FuzzParsePointer(f *testing.F) {
	for _, s := range []string{"", "/", "/a~1b", "/x~", "~0", "/0/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ptr string) {
		tokens, err := parsePointer(ptr)
		if err != nil {
			return
		}
		// Escaping the tokens again gives the pointer back.
		var sb strings.Builder
		for _, tok := range tokens {
			sb.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
		}
		if sb.String() != ptr {
			t.Fatalf("parsePointer(%q) = %q, which escapes back to %q", ptr, tokens, sb.String())
		}
	})
}
