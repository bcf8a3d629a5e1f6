package catalog

import (
	"strings"

	"github.com/rockstream/rockstream/modelid"
)

// Limits are the ranges a model family's InvokeModel body accepts, so a
// client can choose defaults that fit and refuse an out-of-range value
// before sending it. They are the ranges the local runtime's codecs
// enforce (dialect/*), which follow Bedrock's model parameter pages.
type Limits struct {
	// Family is the codec family: anthropic, titan, nova, llama, mistral,
	// cohere, gptoss, qwen or deepseek.
	Family string
	// MaxTokens is the largest number of tokens a request may ask for
	// (max_tokens, maxTokenCount, max_gen_len, …).
	MaxTokens int
	// MaxTemperature is the top of the temperature range; the bottom is 0.
	MaxTemperature float64
	// StopSequences is false for families whose body has no stop field.
	StopSequences bool
}

// familyLimits holds each family's limits. Where models of one family
// differ, limitOverrides refines them.
var familyLimits = map[string]Limits{
	"anthropic": {Family: "anthropic", MaxTokens: 128000, MaxTemperature: 1, StopSequences: true},
	"titan":     {Family: "titan", MaxTokens: 8192, MaxTemperature: 1, StopSequences: true},
	"nova":      {Family: "nova", MaxTokens: 1 << 20, MaxTemperature: 1, StopSequences: true},
	"llama":     {Family: "llama", MaxTokens: 2048, MaxTemperature: 1, StopSequences: false},
	"mistral":   {Family: "mistral", MaxTokens: 8192, MaxTemperature: 1, StopSequences: true},
	"cohere":    {Family: "cohere", MaxTokens: 4096, MaxTemperature: 5, StopSequences: true},
	"gptoss":    {Family: "gptoss", MaxTokens: 128000, MaxTemperature: 2, StopSequences: true},
	"qwen":      {Family: "qwen", MaxTokens: 32768, MaxTemperature: 2, StopSequences: true},
	"deepseek":  {Family: "deepseek", MaxTokens: 32768, MaxTemperature: 2, StopSequences: true},
}

// limitOverride refines a family's limits for the models whose base ID
// starts with prefix.
type limitOverride struct {
	prefix string
	apply  func(*Limits)
}

var limitOverrides = []limitOverride{
	// Command R and R+ take the chat body, whose temperature stops at 1;
	// the older Command models' text body goes to 5.
	{"cohere.command-r", func(l *Limits) { l.MaxTemperature = 1 }},
	// R1 takes a text prompt, whose temperature stops at 1; DeepSeek's
	// chat models take the chat body's range.
	{"deepseek.r1", func(l *Limits) { l.MaxTemperature = 1 }},
}

// FamilyLimits returns the limits of family for modelID (a model ID,
// inference-profile ID or ARN), and false for a family it does not know.
func FamilyLimits(family, modelID string) (Limits, bool) {
	l, ok := familyLimits[family]
	if !ok {
		return Limits{}, false
	}
	base := baseID(modelID)
	for _, o := range limitOverrides {
		if strings.HasPrefix(base, o.prefix) {
			o.apply(&l)
		}
	}
	return l, true
}

// baseID is the foundation model an ID, profile ID or ARN names, or the
// ID itself when it names none.
func baseID(id string) string {
	if p, err := modelid.Parse(id); err == nil && p.Model != "" {
		return p.Model
	}
	return id
}
