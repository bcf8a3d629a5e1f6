// Package catalog is the built-in list of Bedrock foundation models and
// system-defined inference profiles that rockstream's local runtime serves.
// It answers the questions Bedrock answers before a model runs: does this
// identifier name a model, may it be invoked on demand, has it reached the
// end of its life, which profile carries it in a region. The control-plane
// shapes (ListFoundationModels, GetFoundationModel, ListInferenceProfiles)
// live in controlplane.go.
package catalog

import (
	"slices"

	"github.com/rockstream/rockstream/modelid"
)

// Lifecycle is a model's lifecycle status.
type Lifecycle string

const (
	Active Lifecycle = "ACTIVE"
	Legacy Lifecycle = "LEGACY"
	// EOL models still have IDs Bedrock recognises, but invoking them
	// fails with ResourceNotFoundException.
	EOL Lifecycle = "EOL"
)

// Modalities as Bedrock names them.
const (
	Text  = "TEXT"
	Image = "IMAGE"
	Video = "VIDEO"
)

// Model is one foundation model.
type Model struct {
	ID       string // e.g. "anthropic.claude-3-sonnet-20240229-v1:0"
	Name     string // e.g. "Claude 3 Sonnet"
	Provider string // e.g. "Anthropic"
	// Family is the name of the dialect codec that speaks the model's
	// InvokeModel body: anthropic, titan, nova, llama, mistral, cohere,
	// gptoss, deepseek or qwen.
	Family    string
	Streaming bool
	// OnDemand is false for models that may be invoked only through an
	// inference profile.
	OnDemand         bool
	Lifecycle        Lifecycle
	InputModalities  []string
	OutputModalities []string
	// Geographies lists the system-defined inference profiles that carry
	// the model, by geography prefix (modelid.Geographies): "us", "eu",
	// "apac", "global".
	Geographies []string
}

var (
	textIn      = []string{Text}
	textImageIn = []string{Text, Image}
	multimodIn  = []string{Text, Image, Video}
	textOut     = []string{Text}
	usEuApac    = []string{"us", "eu", "apac"}
)

// models is the catalog, in ListFoundationModels order (by provider).
var models = []Model{
	{ID: "amazon.titan-text-express-v1", Name: "Titan Text G1 - Express", Provider: "Amazon", Family: "titan", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "amazon.titan-text-lite-v1", Name: "Titan Text G1 - Lite", Provider: "Amazon", Family: "titan", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "amazon.nova-micro-v1:0", Name: "Nova Micro", Provider: "Amazon", Family: "nova", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "amazon.nova-lite-v1:0", Name: "Nova Lite", Provider: "Amazon", Family: "nova", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: multimodIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "amazon.nova-pro-v1:0", Name: "Nova Pro", Provider: "Amazon", Family: "nova", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: multimodIn, OutputModalities: textOut, Geographies: usEuApac},

	{ID: "anthropic.claude-instant-v1", Name: "Claude Instant", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: EOL, InputModalities: textIn, OutputModalities: textOut},
	{ID: "anthropic.claude-v2", Name: "Claude", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: EOL, InputModalities: textIn, OutputModalities: textOut},
	{ID: "anthropic.claude-v2:1", Name: "Claude", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: EOL, InputModalities: textIn, OutputModalities: textOut},
	{ID: "anthropic.claude-3-sonnet-20240229-v1:0", Name: "Claude 3 Sonnet", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: Legacy, InputModalities: textImageIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "anthropic.claude-3-haiku-20240307-v1:0", Name: "Claude 3 Haiku", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textImageIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "anthropic.claude-3-5-sonnet-20240620-v1:0", Name: "Claude 3.5 Sonnet", Provider: "Anthropic", Family: "anthropic", Streaming: true, OnDemand: true, Lifecycle: Legacy, InputModalities: textImageIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "anthropic.claude-3-5-sonnet-20241022-v2:0", Name: "Claude 3.5 Sonnet v2", Provider: "Anthropic", Family: "anthropic", Streaming: true, Lifecycle: Legacy, InputModalities: textImageIn, OutputModalities: textOut, Geographies: []string{"us", "apac"}},
	{ID: "anthropic.claude-3-5-haiku-20241022-v1:0", Name: "Claude 3.5 Haiku", Provider: "Anthropic", Family: "anthropic", Streaming: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut, Geographies: []string{"us"}},
	{ID: "anthropic.claude-3-7-sonnet-20250219-v1:0", Name: "Claude 3.7 Sonnet", Provider: "Anthropic", Family: "anthropic", Streaming: true, Lifecycle: Active, InputModalities: textImageIn, OutputModalities: textOut, Geographies: usEuApac},
	{ID: "anthropic.claude-sonnet-4-20250514-v1:0", Name: "Claude Sonnet 4", Provider: "Anthropic", Family: "anthropic", Streaming: true, Lifecycle: Active, InputModalities: textImageIn, OutputModalities: textOut, Geographies: []string{"us", "eu", "apac", "global"}},

	{ID: "cohere.command-text-v14", Name: "Command", Provider: "Cohere", Family: "cohere", Streaming: true, OnDemand: true, Lifecycle: Legacy, InputModalities: textIn, OutputModalities: textOut},
	{ID: "cohere.command-light-text-v14", Name: "Command Light", Provider: "Cohere", Family: "cohere", Streaming: true, OnDemand: true, Lifecycle: Legacy, InputModalities: textIn, OutputModalities: textOut},
	{ID: "cohere.command-r-v1:0", Name: "Command R", Provider: "Cohere", Family: "cohere", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "cohere.command-r-plus-v1:0", Name: "Command R+", Provider: "Cohere", Family: "cohere", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},

	{ID: "meta.llama3-8b-instruct-v1:0", Name: "Llama 3 8B Instruct", Provider: "Meta", Family: "llama", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "meta.llama3-70b-instruct-v1:0", Name: "Llama 3 70B Instruct", Provider: "Meta", Family: "llama", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "meta.llama3-1-8b-instruct-v1:0", Name: "Llama 3.1 8B Instruct", Provider: "Meta", Family: "llama", Streaming: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut, Geographies: []string{"us"}},
	{ID: "meta.llama3-1-70b-instruct-v1:0", Name: "Llama 3.1 70B Instruct", Provider: "Meta", Family: "llama", Streaming: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut, Geographies: []string{"us"}},

	{ID: "mistral.mistral-7b-instruct-v0:2", Name: "Mistral 7B Instruct", Provider: "Mistral AI", Family: "mistral", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "mistral.mixtral-8x7b-instruct-v0:1", Name: "Mixtral 8x7B Instruct", Provider: "Mistral AI", Family: "mistral", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "mistral.mistral-large-2402-v1:0", Name: "Mistral Large (24.02)", Provider: "Mistral AI", Family: "mistral", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	// Minimal entries for the chat-completions families (gptoss, deepseek,
	// qwen), so the local runtime serves them.
	{ID: "deepseek.r1-v1:0", Name: "DeepSeek-R1", Provider: "DeepSeek", Family: "deepseek", Streaming: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut, Geographies: []string{"us"}},
	{ID: "deepseek.v3-v1:0", Name: "DeepSeek-V3.1", Provider: "DeepSeek", Family: "deepseek", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "openai.gpt-oss-20b-1:0", Name: "gpt-oss-20b", Provider: "OpenAI", Family: "gptoss", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "openai.gpt-oss-120b-1:0", Name: "gpt-oss-120b", Provider: "OpenAI", Family: "gptoss", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "qwen.qwen3-32b-v1:0", Name: "Qwen3 32B (dense)", Provider: "Qwen", Family: "qwen", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "qwen.qwen3-235b-a22b-2507-v1:0", Name: "Qwen3 235B A22B 2507", Provider: "Qwen", Family: "qwen", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "qwen.qwen3-coder-30b-a3b-v1:0", Name: "Qwen3 Coder 30B A3B Instruct", Provider: "Qwen", Family: "qwen", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
	{ID: "qwen.qwen3-coder-480b-a35b-v1:0", Name: "Qwen3 Coder 480B A35B Instruct", Provider: "Qwen", Family: "qwen", Streaming: true, OnDemand: true, Lifecycle: Active, InputModalities: textIn, OutputModalities: textOut},
}

// DefaultModel is the model rockstream uses when the caller names none.
const DefaultModel = "anthropic.claude-3-sonnet-20240229-v1:0"

var byID = func() map[string]int {
	m := make(map[string]int, len(models))
	for i, md := range models {
		m[md.ID] = i
	}
	return m
}()

// Models returns every model in the catalog, end-of-life ones included.
// The slices inside are shared: do not modify them.
func Models() []Model { return slices.Clone(models) }

// Lookup finds the model behind a model ID, a system-defined
// inference-profile ID (us.…, eu.…, apac.…, global.…) or an ARN of either.
// A profile ID must name a profile that exists for the model.
func Lookup(modelID string) (Model, bool) {
	m, _, ok := lookup(modelID)
	return m, ok
}

// lookup is Lookup that also says whether the identifier named an
// inference profile rather than the bare model.
func lookup(s string) (m Model, viaProfile bool, ok bool) {
	id, err := modelid.Parse(s)
	if err != nil {
		return Model{}, false, false
	}
	i, found := byID[id.Model]
	switch {
	case !found:
		return Model{}, false, false
	case id.Kind == modelid.FoundationModel:
		return models[i], false, true
	case id.Kind == modelid.InferenceProfile && slices.Contains(models[i].Geographies, id.Geography):
		return models[i], true, true
	}
	return Model{}, false, false
}
