package capture_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
)

// converseEverything is a ConverseStream call asking for everything
// Converse carries beyond the conversation: cache points on the system
// prompt, a message and the tools, a guardrail with its trace and mode,
// request metadata, latency, tier, extra model fields and response field
// paths. It returns the text the SDK decoded and checks the stream's end.
func converseEverything(model string) func(ctx context.Context, c *bedrockruntime.Client) (string, error) {
	cache := types.CachePointBlock{Type: types.CachePointTypeDefault}
	return func(ctx context.Context, c *bedrockruntime.Client) (string, error) {
		out, err := c.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{
			ModelId: aws.String(model),
			System: []types.SystemContentBlock{
				&types.SystemContentBlockMemberText{Value: "Be terse."},
				&types.SystemContentBlockMemberCachePoint{Value: types.CachePointBlock{Type: types.CachePointTypeDefault, Ttl: types.CacheTTLOneHour}},
			},
			Messages: []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{
				&types.ContentBlockMemberText{Value: "Tell a story."},
				&types.ContentBlockMemberCachePoint{Value: cache},
			}}},
			ToolConfig: &types.ToolConfiguration{Tools: []types.Tool{
				&types.ToolMemberToolSpec{Value: types.ToolSpecification{Name: aws.String("lookup"),
					InputSchema: &types.ToolInputSchemaMemberJson{Value: document.NewLazyDocument(map[string]any{"type": "object"})}}},
				&types.ToolMemberCachePoint{Value: cache},
			}},
			InferenceConfig: &types.InferenceConfiguration{MaxTokens: aws.Int32(200)},
			GuardrailConfig: &types.GuardrailStreamConfiguration{GuardrailIdentifier: aws.String("gr-capture2"),
				GuardrailVersion: aws.String("DRAFT"), Trace: types.GuardrailTraceEnabledFull,
				StreamProcessingMode: types.GuardrailStreamProcessingModeAsync},
			RequestMetadata:                   map[string]string{"team": "search"},
			PerformanceConfig:                 &types.PerformanceConfiguration{Latency: types.PerformanceConfigLatencyOptimized},
			ServiceTier:                       &types.ServiceTier{Type: types.ServiceTierTypePriority},
			AdditionalModelResponseFieldPaths: []string{"/stop_sequence"},
			AdditionalModelRequestFields:      document.NewLazyDocument(map[string]any{"top_k": 5, "response_style": "brief"}),
		})
		if err != nil {
			return "", err
		}
		stream := out.GetStream()
		defer stream.Close()
		var text strings.Builder
		var stop types.StopReason
		var usage *types.TokenUsage
		for ev := range stream.Events() {
			switch v := ev.(type) {
			case *types.ConverseStreamOutputMemberContentBlockDelta:
				if d, ok := v.Value.Delta.(*types.ContentBlockDeltaMemberText); ok {
					text.WriteString(d.Value)
				}
			case *types.ConverseStreamOutputMemberMessageStop:
				stop = v.Value.StopReason
			case *types.ConverseStreamOutputMemberMetadata:
				usage = v.Value.Usage
			}
		}
		if err := stream.Err(); err != nil {
			return text.String(), err
		}
		if stop != types.StopReasonEndTurn || usage == nil || aws.ToInt32(usage.OutputTokens) != 4 {
			return text.String(), fmt.Errorf("stream ended with stop %q, usage %+v", stop, usage)
		}
		return text.String(), nil
	}
}
