package rockstream

import "encoding/json"

// Options are what a caller can ask of a model invocation beyond the
// conversation and its sampling parameters. Every dialect converts what
// its wire can express and refuses the rest by name (Refuse), so nothing a
// caller asked for is silently dropped between dialects. The zero value
// asks for nothing, and zero fields stay out of a Request's JSON, so a
// request that asks for none encodes as it did before they existed
// (recordings match and the builtin model seeds on it).
type Options struct {
	// SystemCache marks cache points among the system prompts; nil
	// means none.
	SystemCache []SystemCachePoint `json:",omitempty"`
	// Guardrail applies an Amazon Bedrock guardrail; nil means none.
	Guardrail *Guardrail `json:",omitempty"`
	// Metadata tags the invocation in the provider's logs (Bedrock's
	// requestMetadata); nil means no tags.
	Metadata map[string]string `json:",omitempty"`
	// Latency is the performance profile, "standard" or "optimized";
	// empty means the provider's default (standard).
	Latency string `json:",omitempty"`
	// ServiceTier is the processing tier, e.g. "priority", "default" or
	// "flex"; empty means the provider's default.
	ServiceTier string `json:",omitempty"`
	// ResponseFormat constrains the answer to JSON; nil means free text.
	ResponseFormat *ResponseFormat `json:",omitempty"`
	// Effort is the reasoning effort ("low" … "max"); empty means the
	// model's default.
	Effort string `json:",omitempty"`
	// ExtraFields are model-native request fields with no neutral form,
	// by top-level key (Converse's additionalModelRequestFields, minus
	// what the neutral model reads itself); nil means none.
	ExtraFields map[string]json.RawMessage `json:",omitempty"`
	// ResponseFieldPaths are JSON pointers into the model's native
	// response to return beside the answer
	// (additionalModelResponseFieldPaths); nil means none.
	ResponseFieldPaths []string `json:",omitempty"`
	// AnthropicBeta are Anthropic beta flags (anthropic_beta in a Bedrock
	// body, the anthropic-beta header of the Messages API); nil means none.
	AnthropicBeta []string `json:",omitempty"`
}

// CachePoint asks the provider to cache the prompt prefix that ends where
// it stands.
type CachePoint struct {
	// TTL is how long the entry lives, "5m" or "1h"; empty means the
	// provider's default (five minutes).
	TTL string
}

// SystemCachePoint is a cache point after the first After system prompts.
type SystemCachePoint struct {
	After int
	CachePoint
}

// GuardrailSource is where a caller set its guardrail: each wire has its
// own place, and a relay that keeps the caller's wire keeps the place.
type GuardrailSource string

const (
	// GuardrailFromCode is the zero value: set in Go, not from a wire.
	GuardrailFromCode GuardrailSource = ""
	// GuardrailFromBody is Converse's guardrailConfig or an InvokeModel
	// body's amazon-bedrock-guardrailConfig.
	GuardrailFromBody GuardrailSource = "body"
	// GuardrailFromHeaders is InvokeModel's X-Amzn-Bedrock-Guardrail*
	// and X-Amzn-Bedrock-Trace headers.
	GuardrailFromHeaders GuardrailSource = "headers"
)

// Guardrail is an Amazon Bedrock guardrail applied to one invocation.
type Guardrail struct {
	// Identifier is the guardrail's ID or ARN; Version its number or
	// "DRAFT". Empty only when the caller sent just a trace or a mode.
	Identifier string
	Version    string
	// Trace is "enabled", "disabled" or "enabled_full"; empty means not
	// asked (Bedrock's default, disabled).
	Trace string
	// StreamProcessingMode is "sync" or "async"; empty means Bedrock's
	// default (sync).
	StreamProcessingMode string
	// TagSuffix names the input tags that mark guarded text in an
	// InvokeModel prompt; empty means the whole prompt is guarded.
	TagSuffix string
	// Source is where the caller set it.
	Source GuardrailSource
}

// ResponseFormat constrains the answer's text to JSON.
type ResponseFormat struct {
	// Type is "json_schema" (the answer follows Schema) or "json_object"
	// (any JSON object).
	Type string
	// Name and Description describe the schema; empty when not given.
	Name        string
	Description string
	// Schema is the JSON Schema for "json_schema"; nil otherwise.
	Schema json.RawMessage
	// Strict asks for exact schema adherence (OpenAI's strict); false
	// means not asked.
	Strict bool
}

// Document is a document block: a file the model reads.
type Document struct {
	// Format is the file type in Converse's words: "pdf", "txt", "md",
	// "html", "csv", "doc", "docx", "xls" or "xlsx".
	Format string
	// Name is the document's name or title; empty when not given.
	Name string
	// Bytes is the file; Text is used instead for plain-text sources.
	Bytes []byte
	Text  string
	// Context is extra text about the document; empty when not given.
	Context string
	// Citations asks the model to cite the document; false means no.
	Citations bool
}
