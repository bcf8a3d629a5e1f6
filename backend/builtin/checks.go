package builtin

import (
	"slices"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// The model's words for the requests it refuses, as Bedrock relays them.
const (
	msgThinkingUnsupported = "Malformed input request: #: extraneous key [thinking] is not permitted, please reformat your input and try again."
	msgThinkingTemperature = "`temperature` may only be set to 1 when thinking is enabled."
	msgThinkingTopK        = "`top_k` must be unset when thinking is enabled."
	msgThinkingTopP        = "`top_p` must be unset or between 0.95 and 1 when thinking is enabled."
	msgThinkingForcedTool  = "Thinking may not be enabled when tool_choice forces tool use."
	msgThinkingBudget      = "`max_tokens` must be greater than `thinking.budget_tokens`."
)

// checkModelRules refuses, as a ValidationException, what model m would
// refuse before answering: thinking on a model without it or with
// sampling it does not allow, a tool choice naming no given tool, more
// cache points than allowed, a response field path that is not a JSON
// pointer. Each dialect's decoder checks its own syntax; these are the
// model's rules, the same whichever wire the request came by.
func checkModelRules(req *rockstream.Request, m catalog.Model) error {
	if err := checkThinking(req, m); err != nil {
		return err
	}
	if c := req.ToolChoice; c != nil && c.Type == "tool" &&
		!slices.ContainsFunc(req.Tools, func(t rockstream.Tool) bool { return t.Name == c.Name }) {
		return rockstream.Validationf("tool_choice.name: Tool '%s' not found in provided tools", c.Name)
	}
	if n := countCachePoints(req); n > maxCachePoints {
		return rockstream.Validationf("A maximum of %d blocks with cache_control may be provided. Found %d.", maxCachePoints, n)
	}
	for i, p := range req.ResponseFieldPaths {
		if _, err := parsePointer(p); err != nil {
			return rockstream.Validationf("1 validation error detected: Value '%s' at 'additionalModelResponseFieldPaths.%d.member' failed to satisfy constraint: Member must be a JSON Pointer (RFC 6901)", p, i)
		}
	}
	return nil
}

// checkThinking applies the extended-thinking rules.
func checkThinking(req *rockstream.Request, m catalog.Model) error {
	if req.Thinking == nil {
		return nil
	}
	if !catalog.FeaturesOf(m).Thinking {
		return rockstream.Validationf(msgThinkingUnsupported)
	}
	switch {
	case req.Temperature != nil && *req.Temperature != 1:
		return rockstream.Validationf(msgThinkingTemperature)
	case req.TopK != nil:
		return rockstream.Validationf(msgThinkingTopK)
	case req.TopP != nil && (*req.TopP < 0.95 || *req.TopP > 1):
		return rockstream.Validationf(msgThinkingTopP)
	case req.ToolChoice != nil && (req.ToolChoice.Type == "any" || req.ToolChoice.Type == "tool"):
		return rockstream.Validationf(msgThinkingForcedTool)
	case req.MaxTokens > 0 && req.Thinking.BudgetTokens >= req.MaxTokens:
		return rockstream.Validationf(msgThinkingBudget)
	}
	return nil
}
