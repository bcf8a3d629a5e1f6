package catalog

// Capability is a feature a model supports beyond plain text in and out,
// as the model list names it.
type Capability string

// The capabilities the model list records.
const (
	Tools         Capability = "tools"         // tool use (function calling)
	Thinking      Capability = "thinking"      // extended thinking or reasoning output
	Images        Capability = "images"        // image blocks in the input
	Documents     Capability = "documents"     // document blocks (PDF, text, …) in the input
	PromptCaching Capability = "promptCaching" // cache points and cache_control
	Citations     Capability = "citations"     // citations of documents in the answer
)

// knownCapabilities is every Capability, for validating files.
var knownCapabilities = []Capability{Tools, Thinking, Images, Documents, PromptCaching, Citations}

// MaxOutputTokens returns the most tokens the model behind id (a model ID,
// profile ID or ARN) may write in one answer, from the current catalog;
// false when the catalog does not list the model or its limit. The CLI
// bounds max_tokens with it.
func MaxOutputTokens(id string) (int, bool) { return Current().MaxOutputTokens(id) }

// ContextWindow returns the model's context window in tokens, from the
// current catalog; false when the catalog does not say.
func ContextWindow(id string) (int, bool) { return Current().ContextWindow(id) }

// Supports reports whether the current catalog lists the model behind id
// with capability cap. A model it does not list supports nothing it can
// vouch for.
func Supports(id string, cap Capability) bool { return Current().Supports(id, cap) }

// MaxOutputTokens is the package function of the same name, for c.
func (c *Catalog) MaxOutputTokens(id string) (int, bool) {
	m, ok := c.Lookup(id)
	if !ok || m.MaxOutputTokens <= 0 {
		return 0, false
	}
	return m.MaxOutputTokens, true
}

// ContextWindow is the package function of the same name, for c.
func (c *Catalog) ContextWindow(id string) (int, bool) {
	m, ok := c.Lookup(id)
	if !ok || m.ContextWindow <= 0 {
		return 0, false
	}
	return m.ContextWindow, true
}

// Supports is the package function of the same name, for c.
func (c *Catalog) Supports(id string, cap Capability) bool {
	m, ok := c.Lookup(id)
	return ok && m.Supports(cap)
}

// Supports reports whether m lists capability cap.
func (m Model) Supports(cap Capability) bool {
	for _, c := range m.Capabilities {
		if c == cap {
			return true
		}
	}
	return false
}
