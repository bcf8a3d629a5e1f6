package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
)

// guardRulesFile defines gr-test for the guardrail tests (and the Python
// peer's apply_guardrail script).
const guardRulesFile = `{"guardrails":[{
  "id": "gr-test", "versions": ["DRAFT", "1"],
  "blockedInputMessaging": "Input blocked.",
  "blockedOutputsMessaging": "Output blocked.",
  "topics": [{"name": "Investing", "examples": ["which stocks should I buy"], "keywords": ["stock tips"]}],
  "words": ["frobnicate"],
  "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "AWS_ACCESS_KEY", "action": "BLOCK"}]
}]}`

// guardScriptFile makes the model say a denied word after some text.
const guardScriptFile = `{"answers":[
  {"prompt": "(?i)secret word", "text": "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen. Now frobnicate the widget and more words follow."}
]}`

// guarded is the builtin model with gr-test defined.
func guarded(t *testing.T) *builtin.Backend {
	t.Helper()
	rules, err := builtin.ParseRules([]byte(guardRulesFile))
	if err != nil {
		t.Fatal(err)
	}
	script, err := builtin.ParseScript([]byte(guardScriptFile))
	if err != nil {
		t.Fatal(err)
	}
	return builtin.New(builtin.Options{Pace: &builtin.Pace{}, Rules: rules, Script: script})
}

func guardedConverse(prompt string) *bedrockruntime.ConverseStreamInput {
	in := converseInput(500)
	in.Messages[0].Content = []types.ContentBlock{&types.ContentBlockMemberText{Value: prompt}}
	in.GuardrailConfig = &types.GuardrailStreamConfiguration{GuardrailIdentifier: aws.String("gr-test"),
		GuardrailVersion: aws.String("1"), Trace: types.GuardrailTraceEnabled}
	return in
}

// converseAll reads a ConverseStream to its end.
func converseAll(t *testing.T, client *bedrockruntime.Client, in *bedrockruntime.ConverseStreamInput) (string, types.StopReason, *types.ConverseStreamMetadataEvent) {
	t.Helper()
	out, err := client.ConverseStream(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	var text string
	var stop types.StopReason
	var meta *types.ConverseStreamMetadataEvent
	for ev := range stream.Events() {
		switch e := ev.(type) {
		case *types.ConverseStreamOutputMemberContentBlockDelta:
			if d, ok := e.Value.Delta.(*types.ContentBlockDeltaMemberText); ok {
				text += d.Value
			}
		case *types.ConverseStreamOutputMemberMessageStop:
			stop = e.Value.StopReason
		case *types.ConverseStreamOutputMemberMetadata:
			meta = &e.Value
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	return text, stop, meta
}

func TestSDKConverseStreamGuardrailIntervenesInStream(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	text, stop, meta := converseAll(t, sdkClient(t, r.URL, dummyKey), guardedConverse("Say the secret word."))
	if stop != types.StopReasonGuardrailIntervened || !strings.HasPrefix(text, "One two") ||
		!strings.HasSuffix(text, "Output blocked.") || strings.Contains(text, "frobnicate") {
		t.Errorf("stop %q text %q; want the held chunk replaced by the blocked output message", stop, text)
	}
	if meta == nil || meta.Trace == nil || meta.Trace.Guardrail == nil {
		t.Fatalf("metadata %+v has no guardrail trace", meta)
	}
	outs := meta.Trace.Guardrail.OutputAssessments["gr-test"]
	if len(outs) == 0 {
		t.Fatalf("no output assessments in %+v", meta.Trace.Guardrail)
	}
	last := outs[len(outs)-1]
	if last.WordPolicy == nil || len(last.WordPolicy.CustomWords) != 1 || last.WordPolicy.CustomWords[0].Action != types.GuardrailWordPolicyActionBlocked {
		t.Errorf("last output assessment %+v, want the blocked word", last)
	}
	if aws.ToString(meta.Trace.Guardrail.ActionReason) != "Guardrail blocked." {
		t.Errorf("action reason %q", aws.ToString(meta.Trace.Guardrail.ActionReason))
	}
}

func TestSDKConverseStreamGuardrailBlocksInput(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	text, stop, meta := converseAll(t, sdkClient(t, r.URL, dummyKey), guardedConverse("Any stock tips for me?"))
	if stop != types.StopReasonGuardrailIntervened || text != "Input blocked." {
		t.Errorf("stop %q text %q; want the blocked input message", stop, text)
	}
	in := meta.Trace.Guardrail.InputAssessment["gr-test"]
	if in.TopicPolicy == nil || aws.ToString(in.TopicPolicy.Topics[0].Name) != "Investing" {
		t.Errorf("input assessment %+v, want the Investing topic", in)
	}
	if aws.ToInt32(meta.Usage.OutputTokens) != 0 {
		t.Errorf("usage %+v: a blocked prompt charges no output tokens", meta.Usage)
	}
}

func TestSDKConverseStreamUnknownGuardrail(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	in := guardedConverse("hello")
	in.GuardrailConfig.GuardrailIdentifier = aws.String("gr-missing")
	_, err := sdkClient(t, r.URL, dummyKey).ConverseStream(context.Background(), in)
	var ve *types.ValidationException
	if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "guardrail") {
		t.Errorf("err = %v, want a ValidationException about the guardrail", err)
	}
}

func TestSDKInvokeStreamGuardrailIntervenes(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	client := sdkClient(t, r.URL, dummyKey)
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":500,"temperature":0,"messages":[{"role":"user","content":"Say the secret word."}]}`
	bodyKey := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":500,"temperature":0,"messages":[{"role":"user","content":"Say the secret word."}],"amazon-bedrock-guardrailConfig":{"streamProcessingMode":"SYNCHRONOUS"}}`
	tests := []struct {
		name string
		in   *bedrockruntime.InvokeModelWithResponseStreamInput
	}{
		{"headers", &bedrockruntime.InvokeModelWithResponseStreamInput{ModelId: aws.String(sonnet), Body: []byte(body),
			GuardrailIdentifier: aws.String("gr-test"), GuardrailVersion: aws.String("1"), Trace: types.TraceEnabled}},
		{"body key", &bedrockruntime.InvokeModelWithResponseStreamInput{ModelId: aws.String(sonnet), Body: []byte(bodyKey),
			GuardrailIdentifier: aws.String("gr-test"), GuardrailVersion: aws.String("DRAFT"), Trace: types.TraceEnabled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := client.InvokeModelWithResponseStream(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			stream := out.GetStream()
			defer stream.Close()
			var text string
			var last []byte
			for ev := range stream.Events() {
				c := ev.(*types.ResponseStreamMemberChunk)
				last = c.Value.Bytes
				if s, ok := chunkText(t, c.Value.Bytes); ok {
					text += s
				}
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(text, "Output blocked.") || strings.Contains(text, "frobnicate") {
				t.Errorf("text %q; want the blocked output message in place of the denied word", text)
			}
			var final struct {
				Action string `json:"amazon-bedrock-guardrailAction"`
				Trace  struct {
					Guardrail struct {
						Outputs []map[string]types.GuardrailAssessment `json:"outputs"`
					} `json:"guardrail"`
				} `json:"amazon-bedrock-trace"`
				Metrics json.RawMessage `json:"amazon-bedrock-invocationMetrics"`
			}
			if err := json.Unmarshal(last, &final); err != nil {
				t.Fatal(err)
			}
			if final.Action != "INTERVENED" || len(final.Trace.Guardrail.Outputs) == 0 || final.Metrics == nil {
				t.Errorf("final chunk %s; want the action, the trace and the metrics", last)
			}
		})
	}
}
