package rockstream

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestAccumulatorFoldsBlocks(t *testing.T) {
	var a Accumulator
	events := []Event{
		MessageStart{ID: "msg_1", Model: "m", Usage: Usage{InputTokens: 12}},
		BlockStart{Index: 0, Type: BlockThinking},
		ReasoningDelta{Index: 0, Text: "Let me "},
		ReasoningDelta{Index: 0, Text: "think."},
		SignatureDelta{Index: 0, Signature: "sig"},
		BlockStop{Index: 0},
		TextDelta{Index: 1, Text: "Hello"},
		TextDelta{Index: 1, Text: " world"},
		BlockStop{Index: 1},
		BlockStart{Index: 2, Type: BlockToolUse, ToolUseID: "toolu_1", Name: "weather"},
		ToolInputDelta{Index: 2, PartialJSON: ""},
		ToolInputDelta{Index: 2, PartialJSON: `{"city":`},
		ToolInputDelta{Index: 2, PartialJSON: `"Paris"}`},
		BlockStop{Index: 2},
		MessageStop{StopReason: StopToolUse},
		Metadata{Usage: Usage{OutputTokens: 9}},
	}
	for _, ev := range events {
		if err := a.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.Text(); got != "Hello world" {
		t.Errorf("Text = %q", got)
	}
	if !a.Done() || a.StopReason() != StopToolUse {
		t.Errorf("Done=%v StopReason=%q", a.Done(), a.StopReason())
	}
	if u := a.Usage(); u.InputTokens != 12 || u.OutputTokens != 9 {
		t.Errorf("Usage = %+v", u)
	}
	m := a.Message()
	if len(m.Content) != 3 || m.Content[0].Type != BlockThinking || m.Content[0].Signature != "sig" || m.Content[0].Text != "Let me think." {
		t.Fatalf("Message = %+v", m)
	}
	calls, err := a.ToolCalls()
	if err != nil || len(calls) != 1 || string(calls[0].Input) != `{"city":"Paris"}` || calls[0].Name != "weather" {
		t.Fatalf("ToolCalls = %+v, %v", calls, err)
	}
	if r := a.Response(); r.ID != "msg_1" || r.StopReason != StopToolUse {
		t.Errorf("Response = %+v", r)
	}
}

func TestAccumulatorRejectsRetypedBlock(t *testing.T) {
	var a Accumulator
	_ = a.Add(TextDelta{Index: 0, Text: "x"})
	if err := a.Add(BlockStart{Index: 0, Type: BlockToolUse}); err == nil {
		t.Fatal("a text block restarted as tool_use was accepted")
	}
}

func TestToolCallsRejectsBrokenInput(t *testing.T) {
	var a Accumulator
	_ = a.Add(BlockStart{Index: 0, Type: BlockToolUse, Name: "f"})
	_ = a.Add(ToolInputDelta{Index: 0, PartialJSON: `{"a":`})
	if _, err := a.ToolCalls(); err == nil {
		t.Fatal("truncated tool input parsed")
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		stop StopReason
		err  error
		want OutcomeKind
	}{
		{StopEndTurn, nil, Complete},
		{StopToolUse, nil, Complete},
		{StopMaxTokens, nil, Truncated},
		{StopSequenceHit, nil, Truncated},
		{"", BedrockError("ThrottlingException", "x"), Failed},
		{"", fmt.Errorf("read: %w", context.Canceled), Cancelled},
		{StopEndTurn, context.DeadlineExceeded, Cancelled},
	}
	for _, c := range cases {
		if got := Classify(c.stop, c.err); got != c.want {
			t.Errorf("Classify(%q, %v) = %s, want %s", c.stop, c.err, got, c.want)
		}
	}
}

func TestBedrockError(t *testing.T) {
	cases := []struct {
		code      string
		class     ErrorClass
		status    int
		retryable bool
	}{
		{"ThrottlingException", ClassThrottling, 429, true},
		{"ValidationException", ClassValidation, 400, false},
		{"ModelStreamErrorException", ClassModel, 424, false},
		{"ServiceUnavailableException", ClassUnavailable, 503, true},
		{"NoSuchThing", ClassUnknown, 500, false},
	}
	for _, c := range cases {
		e := BedrockError(c.code, "m")
		if e.Class != c.class || e.StatusCode != c.status || e.Retryable != c.retryable {
			t.Errorf("%s: got %+v", c.code, e)
		}
		var target *Error
		if !errors.As(fmt.Errorf("wrapped: %w", e), &target) || target != e {
			t.Errorf("%s: errors.As failed", c.code)
		}
	}
	if got := AsError(errors.New("plain")); got.Class != ClassUnknown {
		t.Errorf("AsError(plain).Class = %s", got.Class)
	}
}

func TestAccumulatorKeepsEchoedFields(t *testing.T) {
	var a Accumulator
	for _, ev := range []Event{
		MessageStart{}, TextDelta{Text: "hi"}, BlockStop{},
		MessageStop{StopReason: StopEndTurn, AdditionalFields: `{"stop_sequence":null}`},
		Metadata{Latency: "optimized", ServiceTier: "flex"},
	} {
		if err := a.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	r := a.Response()
	if r.AdditionalFields != `{"stop_sequence":null}` || r.Latency != "optimized" || r.ServiceTier != "flex" {
		t.Fatalf("response = %+v", r)
	}
}
