// Package catalog is the list of Bedrock foundation models and
// system-defined inference profiles that rockstream's local runtime serves.
// It answers the questions Bedrock answers before a model runs: does this
// identifier name a model, may it be invoked on demand, has it reached the
// end of its life, which profile carries it in a region, how many tokens
// may it write. The list is data: models.json, embedded, which a file in
// the same format may override or extend (Load, Catalog.With). A
// well-formed ID of a known provider that the list has never seen is
// served as that provider's family unless the catalog is strict
// (fallback.go). The control-plane shapes (ListFoundationModels,
// GetFoundationModel, ListInferenceProfiles) live in controlplane.go.
package catalog

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
	Text   = "TEXT"
	Image  = "IMAGE"
	Video  = "VIDEO"
	Speech = "SPEECH"
)

// Model is one foundation model.
type Model struct {
	ID       string // e.g. "anthropic.claude-3-sonnet-20240229-v1:0"
	Name     string // e.g. "Claude 3 Sonnet"
	Provider string // e.g. "Anthropic"
	// Family is the name of the dialect codec that speaks the model's
	// InvokeModel body (anthropic, titan, nova, llama, mistral, cohere,
	// gptoss, deepseek, qwen), or the provider's name for models that
	// have no InvokeModel codec and are served on Converse.
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
	// "apac", "jp", "au", "us-gov", "global".
	Geographies []string
	// ContextWindow and MaxOutputTokens are the model's limits in tokens;
	// zero when the list does not say.
	ContextWindow   int
	MaxOutputTokens int
	// Capabilities are the features the model supports beyond plain text.
	Capabilities []Capability
	// Note says why an entry differs from what Bedrock reports, or
	// anything else a reader of the list should know.
	Note string
	// Fallback is set on a model the list has never seen, which Resolve
	// serves as its provider's family.
	Fallback bool
}

// DefaultModel is the model rockstream uses when the caller names none.
const DefaultModel = "anthropic.claude-3-sonnet-20240229-v1:0"

// Models returns every model in the current catalog, end-of-life ones
// included. The slices inside are shared: do not modify them.
func Models() []Model { return Current().Models() }

// Lookup finds the model behind a model ID, a system-defined
// inference-profile ID (us.…, eu.…, apac.…, global.…) or an ARN of either,
// in the current catalog. A profile ID must name a profile that exists for
// the model. Models the list has never seen are not found.
func Lookup(modelID string) (Model, bool) { return Current().Lookup(modelID) }

// Resolve decides, as Bedrock Runtime does before running anything,
// whether modelID may be invoked, in the current catalog. See
// Catalog.Resolve.
func Resolve(modelID string) (Model, error) { return Current().Resolve(modelID) }

// Profiles returns the system-defined inference profiles a caller in
// region can use, from the current catalog. See Catalog.Profiles.
func Profiles(region string) []Profile { return Current().Profiles(region) }

// ProfileFor returns the profile a caller in region should use for
// modelID, from the current catalog. See Catalog.ProfileFor.
func ProfileFor(modelID, region string) (Profile, bool) { return Current().ProfileFor(modelID, region) }

// Callable returns the model IDs a caller in region can stream from, from
// the current catalog. See Catalog.Callable.
func Callable(region string) []string { return Current().Callable(region) }

// FoundationModels is ListFoundationModels' answer in region, from the
// current catalog.
func FoundationModels(region string) ListFoundationModelsOutput {
	return Current().FoundationModels(region)
}

// InferenceProfiles is ListInferenceProfiles' answer in region, from the
// current catalog.
func InferenceProfiles(region string) ListInferenceProfilesOutput {
	return Current().InferenceProfiles(region)
}
