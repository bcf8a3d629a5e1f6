package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
)

// cachingSonnet is Claude 3.7 Sonnet through its US profile: it caches
// prompt prefixes from 1,024 tokens and takes a thinking budget.
const cachingSonnet = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"

// cachedRules is a 2,100-word system prompt: a prefix worth caching.
var cachedRules = strings.TrimSpace(strings.Repeat("Always answer politely and briefly. ", 420))

// startRuntimeAndGateway serves the Bedrock runtime and the gateway over
// one instant builtin backend, so that both share its prompt cache.
func startRuntimeAndGateway(t *testing.T) string {
	t.Helper()
	be := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	r := startServer(t, server.Options{Backend: be, Mount: func(mux *http.ServeMux) {
		gateway.Register(mux, gateway.Options{Backend: be})
	}})
	return r.URL
}

func cachedConverse(question string) *bedrockruntime.ConverseInput {
	return &bedrockruntime.ConverseInput{
		ModelId: aws.String(cachingSonnet),
		System: []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: cachedRules},
			&types.SystemContentBlockMemberCachePoint{Value: types.CachePointBlock{Type: types.CachePointTypeDefault}}},
		Messages: []types.Message{{Role: types.ConversationRoleUser,
			Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: question}}}},
	}
}

// The second of two requests with the same cached prefix reports cache
// read tokens, in Converse's usage and ConverseStream's metadata, and
// input tokens without the cached part.
func TestSDKPromptCacheConverse(t *testing.T) {
	c := sdkClient(t, startRuntimeAndGateway(t), dummyKey)
	first, err := c.Converse(context.Background(), cachedConverse("Who are you?"))
	if err != nil {
		t.Fatal(err)
	}
	u := first.Usage
	if aws.ToInt32(u.CacheWriteInputTokens) < 2000 || aws.ToInt32(u.CacheReadInputTokens) != 0 {
		t.Fatalf("first usage: write %d read %d, want 2000+ written", aws.ToInt32(u.CacheWriteInputTokens), aws.ToInt32(u.CacheReadInputTokens))
	}
	written := aws.ToInt32(u.CacheWriteInputTokens)

	in := cachedConverse("Who are you?")
	out, err := c.ConverseStream(context.Background(), &bedrockruntime.ConverseStreamInput{
		ModelId: in.ModelId, System: in.System, Messages: in.Messages})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	var md *types.ConverseStreamMetadataEvent
	for ev := range stream.Events() {
		if m, ok := ev.(*types.ConverseStreamOutputMemberMetadata); ok {
			md = &m.Value
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if md == nil || md.Usage == nil {
		t.Fatal("no metadata usage")
	}
	if got := aws.ToInt32(md.Usage.CacheReadInputTokens); got != written || aws.ToInt32(md.Usage.CacheWriteInputTokens) != 0 {
		t.Errorf("second usage: read %d write %d, want %d read", got, aws.ToInt32(md.Usage.CacheWriteInputTokens), written)
	}
	if aws.ToInt32(md.Usage.InputTokens) != aws.ToInt32(first.Usage.InputTokens) {
		t.Errorf("uncached input tokens %d, then %d; want the same", aws.ToInt32(first.Usage.InputTokens), aws.ToInt32(md.Usage.InputTokens))
	}
}

// messagesSSE posts body to /v1/messages and returns the usage of its
// message_start and message_delta events.
func messagesSSE(t *testing.T, url, body string) (start, delta map[string]int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/messages", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Anthropic-Version", "2023-06-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Type    string
			Message struct{ Usage map[string]int }
			Usage   map[string]int
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		switch ev.Type {
		case "message_start":
			start = ev.Message.Usage
		case "message_delta":
			delta = ev.Usage
		}
	}
	return start, delta
}

// The same through the Anthropic Messages API: cache_control writes the
// prefix, the same prefix again reads it, in message_start and
// message_delta usage.
func TestMessagesPromptCache(t *testing.T) {
	url := startRuntimeAndGateway(t)
	system, _ := json.Marshal([]map[string]any{{"type": "text", "text": cachedRules, "cache_control": map[string]string{"type": "ephemeral"}}})
	body := `{"model":"` + cachingSonnet + `","max_tokens":100,"stream":true,"system":` + string(system) +
		`,"messages":[{"role":"user","content":"Who are you?"}]}`
	start, delta := messagesSSE(t, url, body)
	if start["cache_creation_input_tokens"] < 2000 || start["cache_read_input_tokens"] != 0 || delta["cache_creation_input_tokens"] != start["cache_creation_input_tokens"] {
		t.Fatalf("first: message_start usage %v, message_delta usage %v; want 2000+ written", start, delta)
	}
	written := start["cache_creation_input_tokens"]
	start, delta = messagesSSE(t, url, body)
	if start["cache_read_input_tokens"] != written || start["cache_creation_input_tokens"] != 0 || delta["cache_read_input_tokens"] != written {
		t.Fatalf("second: message_start usage %v, message_delta usage %v; want %d read", start, delta, written)
	}
}

// InvokeModelWithResponseStream reports the cache in the final chunk's
// invocation metrics and in message_start.
func TestSDKPromptCacheInvokeMetrics(t *testing.T) {
	c := sdkClient(t, startRuntimeAndGateway(t), dummyKey)
	system, _ := json.Marshal([]map[string]any{{"type": "text", "text": cachedRules, "cache_control": map[string]string{"type": "ephemeral"}}})
	body := []byte(`{"anthropic_version":"bedrock-2023-05-31","max_tokens":100,"system":` + string(system) +
		`,"messages":[{"role":"user","content":"Who are you?"}]}`)
	metrics := func() map[string]int {
		out, err := c.InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
			ModelId: aws.String(cachingSonnet), Body: body, ContentType: aws.String("application/json")})
		if err != nil {
			t.Fatal(err)
		}
		stream := out.GetStream()
		defer stream.Close()
		var m map[string]int
		for ev := range stream.Events() {
			chunk, ok := ev.(*types.ResponseStreamMemberChunk)
			if !ok {
				continue
			}
			var c struct {
				Metrics map[string]int `json:"amazon-bedrock-invocationMetrics"`
			}
			if err := json.Unmarshal(chunk.Value.Bytes, &c); err == nil && c.Metrics != nil {
				m = c.Metrics
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		return m
	}
	first := metrics()
	second := metrics()
	if first["cacheWriteInputTokenCount"] < 2000 || second["cacheReadInputTokenCount"] != first["cacheWriteInputTokenCount"] {
		t.Errorf("invocation metrics %v then %v; want a write then a read of the same tokens", first, second)
	}
}

func validationMessage(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("error %v, want a ValidationException", err)
	}
	return ae.ErrorMessage()
}

func weatherToolConfig(choice types.ToolChoice) *types.ToolConfiguration {
	schema := map[string]any{"type": "object", "properties": map[string]any{"city": map[string]string{"type": "string"}}}
	return &types.ToolConfiguration{ToolChoice: choice, Tools: []types.Tool{&types.ToolMemberToolSpec{Value: types.ToolSpecification{
		Name: aws.String("get_weather"), Description: aws.String("Current weather in a city"),
		InputSchema: &types.ToolInputSchemaMemberJson{Value: documentOf(schema)}}}}}
}

// toolChoice any and tool answer with the tool call alone; a tool choice
// naming no given tool, or thinking with a temperature, is refused.
func TestSDKToolChoiceAndThinkingRules(t *testing.T) {
	c := sdkClient(t, startRuntimeAndGateway(t), dummyKey)
	ask := func(choice types.ToolChoice) (*bedrockruntime.ConverseOutput, error) {
		return c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(cachingSonnet),
			Messages: []types.Message{{Role: types.ConversationRoleUser,
				Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "What is the weather in Paris?"}}}},
			ToolConfig: weatherToolConfig(choice)})
	}
	for _, choice := range []types.ToolChoice{&types.ToolChoiceMemberAny{}, &types.ToolChoiceMemberTool{Value: types.SpecificToolChoice{Name: aws.String("get_weather")}}} {
		out, err := ask(choice)
		if err != nil {
			t.Fatal(err)
		}
		msg := out.Output.(*types.ConverseOutputMemberMessage).Value
		if len(msg.Content) != 1 || out.StopReason != types.StopReasonToolUse {
			t.Errorf("%T: %d blocks, stop %s; want the tool call alone", choice, len(msg.Content), out.StopReason)
		} else if _, ok := msg.Content[0].(*types.ContentBlockMemberToolUse); !ok {
			t.Errorf("%T: first block %T, want toolUse", choice, msg.Content[0])
		}
	}
	_, err := ask(&types.ToolChoiceMemberTool{Value: types.SpecificToolChoice{Name: aws.String("get_time")}})
	if msg := validationMessage(t, err); !strings.Contains(msg, "get_time") {
		t.Errorf("unknown tool refused with %q", msg)
	}

	_, err = c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(cachingSonnet),
		Messages:                     []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "hi"}}}},
		InferenceConfig:              &types.InferenceConfiguration{Temperature: aws.Float32(0.5), MaxTokens: aws.Int32(4000)},
		AdditionalModelRequestFields: documentOf(map[string]any{"thinking": map[string]any{"type": "enabled", "budget_tokens": 1024}})})
	if msg := validationMessage(t, err); !strings.Contains(msg, "temperature") {
		t.Errorf("thinking at temperature 0.5 refused with %q", msg)
	}
	_, err = c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(sonnet),
		Messages:                     []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "hi"}}}},
		AdditionalModelRequestFields: documentOf(map[string]any{"thinking": map[string]any{"type": "enabled", "budget_tokens": 1024}})})
	if msg := validationMessage(t, err); !strings.Contains(msg, "thinking") {
		t.Errorf("thinking on Claude 3 Sonnet refused with %q", msg)
	}
}

// additionalModelResponseFieldPaths come back in
// additionalModelResponseFields; performanceConfig and serviceTier are
// echoed, in Converse's response and ConverseStream's metadata.
func TestSDKEchoesResponseFieldsAndTier(t *testing.T) {
	c := sdkClient(t, startRuntimeAndGateway(t), dummyKey)
	msgs := []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "Tell me a story about a lighthouse."}}}}
	out, err := c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(cachingSonnet), Messages: msgs,
		InferenceConfig:                   &types.InferenceConfiguration{StopSequences: []string{"lighthouse"}},
		AdditionalModelResponseFieldPaths: []string{"/stop_sequence"},
		PerformanceConfig:                 &types.PerformanceConfiguration{Latency: types.PerformanceConfigLatencyOptimized},
		ServiceTier:                       &types.ServiceTier{Type: types.ServiceTierTypePriority}})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if out.AdditionalModelResponseFields == nil || out.AdditionalModelResponseFields.UnmarshalSmithyDocument(&fields) != nil ||
		fields["stop_sequence"] != "lighthouse" {
		t.Errorf("additionalModelResponseFields %v, want stop_sequence lighthouse", fields)
	}
	if out.PerformanceConfig == nil || out.PerformanceConfig.Latency != types.PerformanceConfigLatencyOptimized ||
		out.ServiceTier == nil || out.ServiceTier.Type != types.ServiceTierTypePriority {
		t.Errorf("performanceConfig %+v, serviceTier %+v; want them echoed", out.PerformanceConfig, out.ServiceTier)
	}

	sout, err := c.ConverseStream(context.Background(), &bedrockruntime.ConverseStreamInput{ModelId: aws.String(cachingSonnet), Messages: msgs,
		ServiceTier: &types.ServiceTier{Type: types.ServiceTierTypeFlex}})
	if err != nil {
		t.Fatal(err)
	}
	stream := sout.GetStream()
	defer stream.Close()
	var tier types.ServiceTierType
	for ev := range stream.Events() {
		if m, ok := ev.(*types.ConverseStreamOutputMemberMetadata); ok && m.Value.ServiceTier != nil {
			tier = m.Value.ServiceTier.Type
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if tier != types.ServiceTierTypeFlex {
		t.Errorf("stream metadata serviceTier %q, want flex", tier)
	}

	_, err = c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(cachingSonnet), Messages: msgs,
		AdditionalModelResponseFieldPaths: []string{"stop_sequence"}})
	if msg := validationMessage(t, err); !strings.Contains(msg, "JSON Pointer") {
		t.Errorf("malformed pointer refused with %q", msg)
	}
}

// Document and guard-content blocks are accepted and count as input.
func TestSDKDocumentsAndGuardContent(t *testing.T) {
	c := sdkClient(t, startRuntimeAndGateway(t), dummyKey)
	ask := func(extra ...types.ContentBlock) *types.TokenUsage {
		content := append(extra, &types.ContentBlockMemberText{Value: "Summarise the notes."})
		out, err := c.Converse(context.Background(), &bedrockruntime.ConverseInput{ModelId: aws.String(cachingSonnet),
			Messages: []types.Message{{Role: types.ConversationRoleUser, Content: content}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Usage
	}
	plain := aws.ToInt32(ask().InputTokens)
	withDoc := aws.ToInt32(ask(&types.ContentBlockMemberDocument{Value: types.DocumentBlock{
		Format: types.DocumentFormatTxt, Name: aws.String("notes"),
		Source: &types.DocumentSourceMemberBytes{Value: []byte("one two three four five")}}},
		&types.ContentBlockMemberGuardContent{Value: &types.GuardrailConverseContentBlockMemberText{Value: types.GuardrailConverseTextBlock{Text: aws.String("six seven")}}},
	).InputTokens)
	if withDoc != plain+1+5+2 {
		t.Errorf("input tokens %d with the document and guard content, %d without; want %d more", withDoc, plain, 1+5+2)
	}
}

// documentOf wraps v as an SDK document.
func documentOf(v any) document.Interface { return document.NewLazyDocument(v) }
