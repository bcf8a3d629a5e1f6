package converse

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

// sdkEvent builds the SDK union value a client would get for frame f, the
// way the SDK's deserializer fills it in.
func sdkEvent(t *testing.T, f Frame) types.ConverseStreamOutput {
	t.Helper()
	var p struct {
		ContentBlockIndex *int32 `json:"contentBlockIndex"`
		Start             struct {
			ToolUse *struct{ ToolUseID, Name string } `json:"toolUse"`
		} `json:"start"`
		Delta struct {
			Text    *string `json:"text"`
			ToolUse *struct {
				Input string `json:"input"`
			} `json:"toolUse"`
			ReasoningContent *struct {
				Text            *string `json:"text"`
				Signature       *string `json:"signature"`
				RedactedContent []byte  `json:"redactedContent"`
			} `json:"reasoningContent"`
		} `json:"delta"`
		StopReason string `json:"stopReason"`
		Usage      *struct {
			InputTokens, OutputTokens, TotalTokens, CacheReadInputTokens, CacheWriteInputTokens int32
		} `json:"usage"`
		Metrics *struct{ LatencyMs int64 } `json:"metrics"`
	}
	if err := json.Unmarshal(f.Payload, &p); err != nil {
		t.Fatal(err)
	}
	switch f.EventType {
	case "messageStart":
		return &types.ConverseStreamOutputMemberMessageStart{Value: types.MessageStartEvent{Role: types.ConversationRoleAssistant}}
	case "contentBlockStart":
		return &types.ConverseStreamOutputMemberContentBlockStart{Value: types.ContentBlockStartEvent{
			ContentBlockIndex: p.ContentBlockIndex,
			Start: &types.ContentBlockStartMemberToolUse{Value: types.ToolUseBlockStart{
				ToolUseId: aws.String(p.Start.ToolUse.ToolUseID), Name: aws.String(p.Start.ToolUse.Name)}},
		}}
	case "contentBlockDelta":
		var d types.ContentBlockDelta
		switch dl := p.Delta; {
		case dl.Text != nil:
			d = &types.ContentBlockDeltaMemberText{Value: *dl.Text}
		case dl.ToolUse != nil:
			d = &types.ContentBlockDeltaMemberToolUse{Value: types.ToolUseBlockDelta{Input: aws.String(dl.ToolUse.Input)}}
		case dl.ReasoningContent != nil && dl.ReasoningContent.Text != nil:
			d = &types.ContentBlockDeltaMemberReasoningContent{Value: &types.ReasoningContentBlockDeltaMemberText{Value: *dl.ReasoningContent.Text}}
		case dl.ReasoningContent != nil && dl.ReasoningContent.Signature != nil:
			d = &types.ContentBlockDeltaMemberReasoningContent{Value: &types.ReasoningContentBlockDeltaMemberSignature{Value: *dl.ReasoningContent.Signature}}
		case dl.ReasoningContent != nil:
			d = &types.ContentBlockDeltaMemberReasoningContent{Value: &types.ReasoningContentBlockDeltaMemberRedactedContent{Value: dl.ReasoningContent.RedactedContent}}
		default:
			t.Fatalf("unexpected delta %s", f.Payload)
		}
		return &types.ConverseStreamOutputMemberContentBlockDelta{Value: types.ContentBlockDeltaEvent{ContentBlockIndex: p.ContentBlockIndex, Delta: d}}
	case "contentBlockStop":
		return &types.ConverseStreamOutputMemberContentBlockStop{Value: types.ContentBlockStopEvent{ContentBlockIndex: p.ContentBlockIndex}}
	case "messageStop":
		return &types.ConverseStreamOutputMemberMessageStop{Value: types.MessageStopEvent{StopReason: types.StopReason(p.StopReason)}}
	case "metadata":
		u := p.Usage
		return &types.ConverseStreamOutputMemberMetadata{Value: types.ConverseStreamMetadataEvent{
			Usage: &types.TokenUsage{InputTokens: aws.Int32(u.InputTokens), OutputTokens: aws.Int32(u.OutputTokens),
				TotalTokens: aws.Int32(u.TotalTokens), CacheReadInputTokens: aws.Int32(u.CacheReadInputTokens),
				CacheWriteInputTokens: aws.Int32(u.CacheWriteInputTokens)},
			Metrics: &types.ConverseStreamMetrics{LatencyMs: aws.Int64(p.Metrics.LatencyMs)},
		}}
	}
	t.Fatalf("unknown event type %s", f.EventType)
	return nil
}

// Encoding a neutral stream into frames and decoding the SDK's view of
// them gives back the events, less what Converse cannot carry: message ID
// and model, BlockStart of text and reasoning blocks, first-byte latency.
func TestStreamRoundTripThroughSDKTypes(t *testing.T) {
	d := NewSDKDecoder()
	var got []rockstream.Event
	var err error
	for _, f := range encodeFrames(t, neutralStream) {
		if got, err = d.Decode(got, sdkEvent(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	if !d.Done() {
		t.Error("not Done after metadata")
	}
	var want []rockstream.Event
	for _, ev := range neutralStream {
		switch e := ev.(type) {
		case rockstream.MessageStart:
			want = append(want, rockstream.MessageStart{})
		case rockstream.BlockStart:
			if e.Type == rockstream.BlockToolUse || e.Type == rockstream.BlockRedactedThinking {
				want = append(want, e)
			}
		case rockstream.Metadata:
			e.Metrics.FirstByteLatency = 0
			want = append(want, e)
		default:
			want = append(want, ev)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestSDKDecoderDone(t *testing.T) {
	d := NewSDKDecoder()
	stop := &types.ConverseStreamOutputMemberMessageStop{Value: types.MessageStopEvent{StopReason: types.StopReasonMaxTokens,
		AdditionalModelResponseFields: document.NewLazyDocument(map[string]any{"stop_sequence": "END"})}}
	evs, err := d.Decode(nil, stop)
	if err != nil {
		t.Fatal(err)
	}
	if want := (rockstream.MessageStop{StopReason: rockstream.StopMaxTokens, StopSequence: "END", AdditionalFields: `{"stop_sequence":"END"}`}); !reflect.DeepEqual(evs, []rockstream.Event{want}) {
		t.Errorf("got %+v", evs)
	}
	if d.Done() || !d.Stopped() {
		t.Error("Done before metadata, or not Stopped after messageStop")
	}
	if _, err := d.Decode(nil, &types.ConverseStreamOutputMemberMetadata{}); err != nil || !d.Done() {
		t.Errorf("after metadata: Done=%v err=%v", d.Done(), err)
	}
	if _, err := d.Decode(nil, &types.ConverseStreamOutputMemberMessageStart{}); err == nil {
		t.Error("event after metadata accepted")
	}
}

func TestSDKDecoderRejectsAndSkips(t *testing.T) {
	bad := map[string]types.ConverseStreamOutput{
		"nil":             nil,
		"no index":        &types.ConverseStreamOutputMemberContentBlockStop{},
		"negative index":  &types.ConverseStreamOutputMemberContentBlockStop{Value: types.ContentBlockStopEvent{ContentBlockIndex: aws.Int32(-1)}},
		"empty delta":     &types.ConverseStreamOutputMemberContentBlockDelta{Value: types.ContentBlockDeltaEvent{ContentBlockIndex: aws.Int32(0)}},
		"empty reasoning": &types.ConverseStreamOutputMemberContentBlockDelta{Value: types.ContentBlockDeltaEvent{ContentBlockIndex: aws.Int32(0), Delta: &types.ContentBlockDeltaMemberReasoningContent{}}},
	}
	for name, ev := range bad {
		if _, err := NewSDKDecoder().Decode(nil, ev); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	skip := map[string]types.ConverseStreamOutput{
		"unknown member": &types.UnknownUnionMember{Tag: "initial-response"},
		"citation delta": &types.ConverseStreamOutputMemberContentBlockDelta{Value: types.ContentBlockDeltaEvent{
			ContentBlockIndex: aws.Int32(0), Delta: &types.ContentBlockDeltaMemberCitation{}}},
		"image start": &types.ConverseStreamOutputMemberContentBlockStart{Value: types.ContentBlockStartEvent{
			ContentBlockIndex: aws.Int32(0), Start: &types.ContentBlockStartMemberImage{}}},
	}
	for name, ev := range skip {
		evs, err := NewSDKDecoder().Decode(nil, ev)
		if err != nil || len(evs) != 0 {
			t.Errorf("%s: %v, %v", name, evs, err)
		}
	}
}

func TestToStreamInput(t *testing.T) {
	req := fullRequest()
	in, err := ToStreamInput(req)
	if err != nil {
		t.Fatal(err)
	}
	if *in.ModelId != req.Model || *in.InferenceConfig.MaxTokens != 8000 || *in.InferenceConfig.Temperature != 0.5 ||
		in.InferenceConfig.StopSequences[0] != "END" {
		t.Errorf("inference config %+v", in.InferenceConfig)
	}
	if s, ok := in.System[0].(*types.SystemContentBlockMemberText); !ok || s.Value != "You are terse." {
		t.Errorf("system %#v", in.System)
	}
	user := in.Messages[0]
	if user.Role != types.ConversationRoleUser {
		t.Errorf("role %s", user.Role)
	}
	if img, ok := user.Content[1].(*types.ContentBlockMemberImage); !ok || img.Value.Format != types.ImageFormatPng ||
		string(img.Value.Source.(*types.ImageSourceMemberBytes).Value) != "\x89PNG" {
		t.Errorf("image %#v", user.Content[1])
	}
	asst := in.Messages[1].Content
	rt, ok := asst[0].(*types.ContentBlockMemberReasoningContent).Value.(*types.ReasoningContentBlockMemberReasoningText)
	if !ok || *rt.Value.Text != "Use the tool." || *rt.Value.Signature != "sig" {
		t.Errorf("reasoning %#v", asst[0])
	}
	if rd, ok := asst[1].(*types.ContentBlockMemberReasoningContent).Value.(*types.ReasoningContentBlockMemberRedactedContent); !ok || string(rd.Value) != "opaque" {
		t.Errorf("redacted %#v", asst[1])
	}
	tu := asst[2].(*types.ContentBlockMemberToolUse).Value
	var input map[string]string
	if err := unmarshalDoc(tu.Input, &input); err != nil || input["city"] != "Paris" || *tu.ToolUseId != "tooluse_1" {
		t.Errorf("tool use %+v %v", input, err)
	}
	tr := in.Messages[2].Content[0].(*types.ContentBlockMemberToolResult).Value
	if tr.Status != types.ToolResultStatusError || tr.Content[0].(*types.ToolResultContentBlockMemberText).Value != "service down" {
		t.Errorf("tool result %#v", tr)
	}
	spec := in.ToolConfig.Tools[0].(*types.ToolMemberToolSpec).Value
	if *spec.Name != "get_weather" || *spec.Description != "Weather by city" {
		t.Errorf("tool spec %#v", spec)
	}
	if c, ok := in.ToolConfig.ToolChoice.(*types.ToolChoiceMemberTool); !ok || *c.Value.Name != "get_weather" {
		t.Errorf("tool choice %#v", in.ToolConfig.ToolChoice)
	}
	var extra struct {
		TopK     int `json:"top_k"`
		Thinking struct {
			Type         string `json:"type"`
			BudgetTokens int    `json:"budget_tokens"`
		} `json:"thinking"`
	}
	if err := unmarshalDoc(in.AdditionalModelRequestFields, &extra); err != nil ||
		extra.TopK != 200 || extra.Thinking.Type != "enabled" || extra.Thinking.BudgetTokens != 2048 {
		t.Errorf("additional fields %+v %v", extra, err)
	}
}

func TestToStreamInputMinimal(t *testing.T) {
	in, err := ToStreamInput(&rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if in.InferenceConfig != nil || in.ToolConfig != nil || in.AdditionalModelRequestFields != nil || in.System != nil {
		t.Errorf("unset fields sent: %+v", in)
	}
	if _, err := ToStreamInput(&rockstream.Request{Messages: []rockstream.Message{{Role: rockstream.RoleUser,
		Content: []rockstream.Block{{Type: rockstream.BlockToolUse, Input: json.RawMessage(`{bad`)}}}}}); err == nil {
		t.Error("invalid tool input accepted")
	}
}

func unmarshalDoc(d document.Interface, v any) error {
	b, err := d.MarshalSmithyDocument()
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
