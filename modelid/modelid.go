// Package modelid parses the identifiers Amazon Bedrock Runtime takes as a
// modelId: foundation-model IDs, system-defined cross-region inference
// profile IDs (us., eu., apac., jp., au., us-gov., global.) and ARNs of
// every kind it invokes. It is the one place rockstream reads model IDs,
// so the client, the local runtime, the catalog and the codec picker agree
// on what an identifier names.
package modelid

import (
	"errors"
	"fmt"
	"strings"
)

// MaxLen is the longest modelId Bedrock Runtime accepts.
const MaxLen = 2048

// Kind is what an identifier names. For ARNs it is the ARN's resource
// type, spelled as in the ARN.
type Kind string

const (
	// FoundationModel is a foundation model, by ID or ARN.
	FoundationModel Kind = "foundation-model"
	// InferenceProfile is a system-defined cross-region inference profile,
	// by ID ("us.anthropic…") or ARN.
	InferenceProfile Kind = "inference-profile"
	// The kinds below are named only by ARN, and most say nothing about
	// the model behind them.
	ApplicationInferenceProfile Kind = "application-inference-profile"
	ProvisionedModel            Kind = "provisioned-model"
	CustomModel                 Kind = "custom-model"
	ImportedModel               Kind = "imported-model"
	Prompt                      Kind = "prompt"
	PromptRouter                Kind = "prompt-router"
	DefaultPromptRouter         Kind = "default-prompt-router"
	SageMakerEndpoint           Kind = "endpoint"
)

// ID is a parsed identifier. Fields that the identifier does not carry are
// empty.
type ID struct {
	Raw  string // the identifier as given
	Kind Kind

	// The ARN's parts, for ARNs. Region and Account may be empty even
	// then: foundation-model ARNs have no account.
	Partition string // "aws", "aws-us-gov", …
	Service   string // "bedrock" or "sagemaker"
	Region    string
	Account   string
	Resource  string // the resource ID after "type/"

	// Geography is a system-defined profile's geography prefix without
	// its dot: "us", "global", ….
	Geography string

	// Model is the foundation-model ID the identifier names or routes
	// to ("anthropic.claude-3-5-haiku-20241022-v1:0"); empty when the
	// identifier does not say (application profiles, provisioned and
	// imported models, prompts, routers, endpoints).
	Model string
	// Provider, Name, Version and Context are Model's parts:
	// "anthropic" . "claude-3-5-haiku-20241022" - "v1:0" : "200k".
	// A default prompt router ("anthropic.claude:1") has Provider and
	// Name too, though no Model.
	Provider string
	Name     string
	Version  string
	Context  string
}

// String returns the identifier as given.
func (id ID) String() string { return id.Raw }

// IsARN reports whether the identifier was an ARN.
func (id ID) IsARN() bool { return id.Partition != "" }

// ProfileID is a system-defined profile's ID without any ARN around it
// ("us.anthropic.claude-…"); empty for other kinds.
func (id ID) ProfileID() string {
	if id.Kind != InferenceProfile {
		return ""
	}
	return id.Geography + "." + id.Model
}

// Error is why an identifier does not parse.
type Error struct {
	ID     string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("modelid: %q: %s", e.ID, e.Reason) }

// ErrEmpty is the error for an empty identifier.
var ErrEmpty = errors.New("modelid: empty model identifier")

func fail(s, format string, args ...any) (ID, error) {
	return ID{}, &Error{ID: s, Reason: fmt.Sprintf(format, args...)}
}

// Parse reads s as Bedrock Runtime reads a modelId. It checks the shape,
// not whether the model exists: that is the catalog's (or Bedrock's) call.
// A well-formed ID of a provider rockstream has not heard of parses.
func Parse(s string) (ID, error) {
	switch {
	case s == "":
		return ID{}, ErrEmpty
	case len(s) > MaxLen:
		return fail(s[:32]+"…", "longer than %d bytes", MaxLen)
	case strings.HasPrefix(s, "arn:"):
		return parseARN(s)
	}
	id, err := parseBare(s)
	if err != nil {
		return ID{}, err
	}
	id.Raw = s
	return id, nil
}

// parseBare reads a foundation-model ID or a system-defined profile ID.
func parseBare(s string) (ID, error) {
	if geo, rest, ok := strings.Cut(s, "."); ok && isGeography(geo) && strings.Contains(rest, ".") {
		id, err := parseModel(s, rest)
		id.Kind, id.Geography = InferenceProfile, geo
		return id, err
	}
	id, err := parseModel(s, s)
	id.Kind = FoundationModel
	return id, err
}

// parseModel splits a foundation-model ID m (found inside s) into its
// provider, name, version and context-window suffix.
func parseModel(s, m string) (ID, error) {
	provider, rest, ok := strings.Cut(m, ".")
	if !ok || provider == "" || rest == "" {
		return fail(s, "a model ID is provider.model, as in anthropic.claude-3-haiku-20240307-v1:0")
	}
	if isGeography(provider) {
		return fail(s, "%q is an inference-profile geography, not a provider", provider)
	}
	if !isWord(provider) {
		return fail(s, "provider %q has characters other than a-z, 0-9 and -", provider)
	}
	for _, r := range rest {
		if !isWordRune(r) && r != '.' && r != ':' {
			return fail(s, "model %q has a character %q outside a-z, 0-9, '-', '.' and ':'", m, r)
		}
	}
	if strings.Contains(rest, "..") || strings.Contains(rest, "::") || strings.ContainsAny(rest[:1]+rest[len(rest)-1:], ".:") {
		return fail(s, "model %q has an empty part", m)
	}
	name, version, context := splitVersion(rest)
	return ID{Model: m, Provider: provider, Name: name, Version: version, Context: context}, nil
}

// splitVersion cuts "claude-3-haiku-20240307-v1:0:200k" into the name,
// the version ("v1:0") and the context-window suffix ("200k"). Versions
// are "vN", "vN:M" or "N:M" (openai.gpt-oss-120b-1:0); names like
// "claude-sonnet-4-6" have none.
func splitVersion(rest string) (name, version, context string) {
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && isContextWindow(rest[i+1:]) {
		rest, context = rest[:i], rest[i+1:]
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 {
		return rest, "", context
	}
	v := rest[i+1:]
	major, minor, hasMinor := strings.Cut(v, ":")
	switch {
	case strings.HasPrefix(major, "v") && isDigits(major[1:]) && (!hasMinor || isDigits(minor)),
		isDigits(major) && hasMinor && isDigits(minor):
		return rest[:i], v, context
	}
	return rest, "", context
}

// isContextWindow matches the suffix of provisioned-throughput variants
// such as ":200k" or ":28k".
func isContextWindow(s string) bool {
	return len(s) > 1 && s[len(s)-1] == 'k' && isDigits(s[:len(s)-1])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'
}

// isWord matches [a-z0-9-]+.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isWordRune(r) {
			return false
		}
	}
	return true
}
