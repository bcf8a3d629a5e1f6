package builtin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

var weatherTool = rockstream.Tool{
	Name:        "get_weather",
	Description: "Get the current weather forecast for a city.",
	InputSchema: json.RawMessage(`{"type":"object","properties":{
		"city":{"type":"string"},
		"days":{"type":"integer"},
		"unit":{"type":"string","enum":["celsius","fahrenheit"]},
		"detailed":{"type":["boolean","null"]},
		"hours":{"type":"array","items":{"type":"number"}},
		"extra":{"type":"object","properties":{"note":{"type":"string"}}}
	},"required":["city","unit","days","detailed","hours","extra"]}`),
}

var stockTool = rockstream.Tool{Name: "lookupStockPrice", Description: "Look up a share price by ticker symbol.",
	InputSchema: json.RawMessage(`{"type":"object","properties":{"ticker":{"type":"string"}},"required":["ticker"]}`)}

func TestToolUse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		prompt string
		choice *rockstream.ToolChoice
		want   string // tool name, "" for a text answer
	}{
		{"matches description", "What's the weather in Paris in fahrenheit for 3 days?", nil, "get_weather"},
		{"matches camel-case name", "What is the stock price of ACME?", nil, "lookupStockPrice"},
		{"nothing matches", "Tell me a story about two puppies.", nil, ""},
		{"any forces a tool", "Tell me a story about two puppies.", &rockstream.ToolChoice{Type: "any"}, "get_weather"},
		{"named tool", "What's the weather in Paris?", &rockstream.ToolChoice{Type: "tool", Name: "lookupStockPrice"}, "lookupStockPrice"},
		{"none", "What's the weather in Paris?", &rockstream.ToolChoice{Type: "none"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &rockstream.Request{Model: catalog.DefaultModel, MaxTokens: 1000,
				Messages: []rockstream.Message{rockstream.UserText(tt.prompt)},
				Tools:    []rockstream.Tool{weatherTool, stockTool}, ToolChoice: tt.choice}
			evs, err := collect(t, context.Background(), New(fast), req)
			if err != nil {
				t.Fatal(err)
			}
			acc := accumulate(t, evs)
			calls, err := acc.ToolCalls()
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if len(calls) != 0 || acc.StopReason() != rockstream.StopEndTurn {
					t.Fatalf("calls %v, stop %s; want a text answer", calls, acc.StopReason())
				}
				return
			}
			if len(calls) != 1 || calls[0].Name != tt.want || !strings.HasPrefix(calls[0].ID, "toolu_bdrk_") || acc.StopReason() != rockstream.StopToolUse {
				t.Fatalf("calls %+v, stop %s; want one call to %s", calls, acc.StopReason(), tt.want)
			}
			if _, n := deltas(evs); acc.Usage().OutputTokens != n {
				t.Errorf("output tokens %d, want %d", acc.Usage().OutputTokens, n)
			}
			checkInput(t, calls[0])
		})
	}
}

// checkInput validates a call's input against the test tools' schemas.
func checkInput(t *testing.T, call rockstream.ToolCall) {
	t.Helper()
	if call.Name == "lookupStockPrice" {
		var in struct{ Ticker string }
		if err := json.Unmarshal(call.Input, &in); err != nil || in.Ticker == "" {
			t.Errorf("input %s: %v", call.Input, err)
		}
		return
	}
	var in struct {
		City     *string
		Days     *int
		Unit     *string
		Detailed *bool
		Hours    []float64
		Extra    *struct{ Note *string }
	}
	dec := json.NewDecoder(strings.NewReader(string(call.Input)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("input %s: %v", call.Input, err)
	}
	if in.City == nil || in.Days == nil || in.Unit == nil || in.Detailed == nil || len(in.Hours) != 1 || in.Extra == nil || in.Extra.Note == nil {
		t.Fatalf("input %s lacks required properties", call.Input)
	}
	if *in.Unit != "celsius" && *in.Unit != "fahrenheit" {
		t.Errorf("unit %q not in enum", *in.Unit)
	}
}

func TestToolInputFromPrompt(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{Model: catalog.DefaultModel,
		Messages: []rockstream.Message{rockstream.UserText("What's the weather in Paris in fahrenheit for 3 days?")},
		Tools:    []rockstream.Tool{weatherTool}}
	acc := accumulate(t, must(collect(t, context.Background(), New(fast), req)))
	calls, _ := acc.ToolCalls()
	var in struct {
		City string
		Days int
		Unit string
	}
	if len(calls) != 1 || json.Unmarshal(calls[0].Input, &in) != nil || in.City != "Paris" || in.Days != 3 || in.Unit != "fahrenheit" {
		t.Errorf("input %s; want Paris, 3 days, fahrenheit", calls[0].Input)
	}
}

func TestToolResultGetsTextAnswer(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{Model: catalog.DefaultModel, Tools: []rockstream.Tool{weatherTool},
		Messages: []rockstream.Message{
			rockstream.UserText("What's the weather in Paris?"),
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "get_weather", Input: []byte(`{"city":"Paris"}`)}}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{{Type: rockstream.BlockToolResult, ToolUseID: "t1",
				Content: []rockstream.Block{{Type: rockstream.BlockText, Text: "18 degrees and sunny"}}}}},
		}}
	acc := accumulate(t, must(collect(t, context.Background(), New(fast), req)))
	if calls, _ := acc.ToolCalls(); len(calls) != 0 || !strings.Contains(acc.Text(), "18 degrees and sunny") {
		t.Errorf("calls %v, text %q; want a text answer quoting the result", calls, acc.Text())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
