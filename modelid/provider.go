package modelid

import "slices"

// providers are the model providers whose IDs Bedrock serves, by the
// prefix their model IDs start with. Parse accepts other providers too;
// this list is for callers that serve only known ones (strict mode).
var providers = []string{
	"ai21", "amazon", "anthropic", "cohere", "deepseek", "google", "luma",
	"meta", "minimax", "mistral", "moonshot", "nvidia", "openai", "qwen",
	"stability", "twelvelabs", "writer",
}

// Providers returns the known providers' ID prefixes, sorted.
func Providers() []string { return slices.Clone(providers) }

// KnownProvider reports whether p is a provider Bedrock is known to serve.
func KnownProvider(p string) bool {
	_, found := slices.BinarySearch(providers, p)
	return found
}
