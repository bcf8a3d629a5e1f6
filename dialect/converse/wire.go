// Package converse converts Amazon Bedrock's Converse and ConverseStream
// format to and from rockstream's neutral model. The client side works on
// the AWS SDK's bedrockruntime types (ToStreamInput, NewSDKDecoder); the
// runtime side, which the local Bedrock Runtime serves, works on the JSON
// wire (DecodeRequest, NewStreamEncoder, EncodeResponse).
package converse

import "encoding/json"

// The JSON shapes of the Converse request and response. Every union is a
// struct of optional members, exactly one of which must be set.
type (
	wireRequest struct {
		Messages                          []wireMessage     `json:"messages"`
		System                            []wireSystem      `json:"system,omitempty"`
		InferenceConfig                   *wireInference    `json:"inferenceConfig,omitempty"`
		ToolConfig                        *wireToolConfig   `json:"toolConfig,omitempty"`
		AdditionalModelRequestFields      json.RawMessage   `json:"additionalModelRequestFields,omitempty"`
		AdditionalModelResponseFieldPaths []string          `json:"additionalModelResponseFieldPaths,omitempty"`
		GuardrailConfig                   *wireGuardrail    `json:"guardrailConfig,omitempty"`
		PromptVariables                   json.RawMessage   `json:"promptVariables,omitempty"`
		RequestMetadata                   map[string]string `json:"requestMetadata,omitempty"`
		PerformanceConfig                 *wirePerformance  `json:"performanceConfig,omitempty"`
		ServiceTier                       *wireServiceTier  `json:"serviceTier,omitempty"`
		OutputConfig                      *wireOutputConfig `json:"outputConfig,omitempty"`
	}
	wireMessage struct {
		Role    string      `json:"role"`
		Content []wireBlock `json:"content"`
	}
	wireSystem struct {
		Text         *string         `json:"text,omitempty"`
		GuardContent json.RawMessage `json:"guardContent,omitempty"`
		CachePoint   *wireCachePoint `json:"cachePoint,omitempty"`
	}
	wireBlock struct {
		Text             *string           `json:"text,omitempty"`
		Image            *wireImage        `json:"image,omitempty"`
		ToolUse          *wireToolUse      `json:"toolUse,omitempty"`
		ToolResult       *wireToolResult   `json:"toolResult,omitempty"`
		ReasoningContent *wireReasoning    `json:"reasoningContent,omitempty"`
		CachePoint       *wireCachePoint   `json:"cachePoint,omitempty"`
		Document         *wireDocument     `json:"document,omitempty"`
		GuardContent     *wireGuardContent `json:"guardContent,omitempty"`
		// Members rockstream's neutral model cannot carry; rejected.
		Video            json.RawMessage `json:"video,omitempty"`
		Audio            json.RawMessage `json:"audio,omitempty"`
		CitationsContent json.RawMessage `json:"citationsContent,omitempty"`
		SearchResult     json.RawMessage `json:"searchResult,omitempty"`
		ToolAddition     json.RawMessage `json:"toolAddition,omitempty"`
		ToolRemoval      json.RawMessage `json:"toolRemoval,omitempty"`
	}
	wireImage struct {
		Format string          `json:"format"`
		Source wireImageSource `json:"source"`
	}
	wireImageSource struct {
		Bytes      []byte          `json:"bytes,omitempty"`
		S3Location json.RawMessage `json:"s3Location,omitempty"`
	}
	wireToolUse struct {
		ToolUseID string          `json:"toolUseId"`
		Name      string          `json:"name"`
		Input     json.RawMessage `json:"input"`
		Type      string          `json:"type,omitempty"`
	}
	wireToolResult struct {
		ToolUseID string              `json:"toolUseId"`
		Content   []wireResultContent `json:"content"`
		Status    string              `json:"status,omitempty"`
		Type      string              `json:"type,omitempty"`
	}
	wireResultContent struct {
		Text         *string         `json:"text,omitempty"`
		JSON         json.RawMessage `json:"json,omitempty"`
		Image        *wireImage      `json:"image,omitempty"`
		Document     json.RawMessage `json:"document,omitempty"`
		Video        json.RawMessage `json:"video,omitempty"`
		SearchResult json.RawMessage `json:"searchResult,omitempty"`
	}
	wireReasoning struct {
		ReasoningText   *wireReasoningText `json:"reasoningText,omitempty"`
		RedactedContent []byte             `json:"redactedContent,omitempty"`
	}
	wireReasoningText struct {
		Text      string `json:"text"`
		Signature string `json:"signature,omitempty"`
	}
	wireInference struct {
		MaxTokens     *int     `json:"maxTokens,omitempty"`
		Temperature   *float64 `json:"temperature,omitempty"`
		TopP          *float64 `json:"topP,omitempty"`
		StopSequences []string `json:"stopSequences,omitempty"`
	}
	wireToolConfig struct {
		Tools      []wireTool      `json:"tools"`
		ToolChoice *wireToolChoice `json:"toolChoice,omitempty"`
	}
	wireTool struct {
		ToolSpec   *wireToolSpec   `json:"toolSpec,omitempty"`
		SystemTool json.RawMessage `json:"systemTool,omitempty"`
		CachePoint *wireCachePoint `json:"cachePoint,omitempty"`
	}
	wireToolSpec struct {
		Name        string         `json:"name"`
		Description string         `json:"description,omitempty"`
		InputSchema wireToolSchema `json:"inputSchema"`
		Strict      *bool          `json:"strict,omitempty"`
	}
	wireToolSchema struct {
		JSON json.RawMessage `json:"json,omitempty"`
	}
	wireToolChoice struct {
		Auto *struct{}         `json:"auto,omitempty"`
		Any  *struct{}         `json:"any,omitempty"`
		Tool *wireSpecificTool `json:"tool,omitempty"`
	}
	wireSpecificTool struct {
		Name string `json:"name"`
	}
	wireUsage struct {
		InputTokens           int `json:"inputTokens"`
		OutputTokens          int `json:"outputTokens"`
		TotalTokens           int `json:"totalTokens"`
		CacheReadInputTokens  int `json:"cacheReadInputTokens,omitempty"`
		CacheWriteInputTokens int `json:"cacheWriteInputTokens,omitempty"`
	}
	wireMetrics struct {
		LatencyMs int64 `json:"latencyMs"`
	}
)

// present reports whether a raw union member was given (null counts as
// absent, as the SDKs treat it).
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}
