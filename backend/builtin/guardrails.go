package builtin

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
)

// A rule file's "guardrails" section defines the guardrails the builtin
// model applies, as Bedrock would apply the guardrails of an account:
//
//	"guardrails": [{
//	  "id": "gr-demo",
//	  "versions": ["DRAFT", "1"],
//	  "blockedInputMessaging": "Sorry, I can't talk about that.",
//	  "blockedOutputsMessaging": "Sorry, the answer was blocked.",
//	  "topics": [{"name": "Investing", "examples": ["which stocks should I buy"], "keywords": ["stock tips"]}],
//	  "words": ["frobnicate"],
//	  "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "AWS_ACCESS_KEY", "action": "BLOCK"}]
//	}]
//
// "versions" are the versions that exist; absent means every version
// ("DRAFT" and any number). A denied topic is detected when its name, an
// example phrase or a keyword occurs in the text (case-insensitive); a word
// when it occurs as a whole word or phrase. PII entities are found by
// pattern (see piiPatterns for the types known); ANONYMIZE masks them as
// {TYPE}, BLOCK blocks the text. The blocked messages default to Bedrock
// console's defaults.
type guardrailFile struct {
	ID                      string   `json:"id"`
	Versions                []string `json:"versions"`
	BlockedInputMessaging   string   `json:"blockedInputMessaging"`
	BlockedOutputsMessaging string   `json:"blockedOutputsMessaging"`
	Topics                  []struct {
		Name     string   `json:"name"`
		Examples []string `json:"examples"`
		Keywords []string `json:"keywords"`
	} `json:"topics"`
	Words []string `json:"words"`
	PII   []struct {
		Type   string `json:"type"`
		Action string `json:"action"`
	} `json:"pii"`
}

// Default blocked messages, as the Bedrock console fills them in.
const (
	defaultBlockedInput  = "Sorry, the model cannot answer this question."
	defaultBlockedOutput = "Sorry, the model cannot answer this question."
)

// guardrail is one compiled guardrail definition.
type guardrail struct {
	id                          string
	versions                    []string // nil: any
	blockedInput, blockedOutput string
	topics                      []topic
	words                       []*wordMatcher
	pii                         []piiRule
}

type topic struct {
	name    string
	phrases []string // lower-case: the name, examples and keywords
}

type wordMatcher struct {
	word string
	re   *regexp.Regexp
}

type piiRule struct {
	typ   string
	re    *regexp.Regexp
	block bool // BLOCK; otherwise ANONYMIZE
}

// compileGuardrail checks and compiles one definition.
func compileGuardrail(f guardrailFile) (*guardrail, error) {
	if f.ID == "" {
		return nil, fmt.Errorf("no id")
	}
	g := &guardrail{id: f.ID, blockedInput: f.BlockedInputMessaging, blockedOutput: f.BlockedOutputsMessaging}
	if g.blockedInput == "" {
		g.blockedInput = defaultBlockedInput
	}
	if g.blockedOutput == "" {
		g.blockedOutput = defaultBlockedOutput
	}
	for _, v := range f.Versions {
		if !validVersion(v) {
			return nil, fmt.Errorf("version %q is neither DRAFT nor a number from 1 to 99999999", v)
		}
		g.versions = append(g.versions, v)
	}
	for i, t := range f.Topics {
		if t.Name == "" {
			return nil, fmt.Errorf("topic %d has no name", i)
		}
		tp := topic{name: t.Name, phrases: []string{strings.ToLower(t.Name)}}
		for _, p := range slices.Concat(t.Examples, t.Keywords) {
			if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
				tp.phrases = append(tp.phrases, p)
			}
		}
		g.topics = append(g.topics, tp)
	}
	for _, w := range f.Words {
		w = strings.TrimSpace(w)
		if w == "" {
			return nil, fmt.Errorf("an empty word")
		}
		g.words = append(g.words, &wordMatcher{word: w, re: regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(w) + `\b`)})
	}
	for _, p := range f.PII {
		re, ok := piiPatterns[p.Type]
		if !ok {
			return nil, fmt.Errorf("unknown PII entity type %q (known: %s)", p.Type, strings.Join(piiTypes(), ", "))
		}
		switch p.Action {
		case "BLOCK", "ANONYMIZE":
		default:
			return nil, fmt.Errorf("PII %s: action must be BLOCK or ANONYMIZE, not %q", p.Type, p.Action)
		}
		g.pii = append(g.pii, piiRule{typ: p.Type, re: re, block: p.Action == "BLOCK"})
	}
	return g, nil
}

// validVersion reports whether v is a guardrail version Bedrock accepts.
func validVersion(v string) bool {
	if v == "DRAFT" {
		return true
	}
	if v == "" || len(v) > 8 || v[0] == '0' {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// guardrailID takes the ID out of an identifier that may be an ARN
// (arn:aws:bedrock:region:account:guardrail/ID).
func guardrailID(identifier string) string {
	if strings.HasPrefix(identifier, "arn:") {
		if _, id, ok := strings.Cut(identifier, ":guardrail/"); ok {
			return id
		}
	}
	return identifier
}

// guardrail finds the guardrail a caller named, or answers as Bedrock does
// for one that does not exist: code is the exception's name
// (ValidationException in a model call, ResourceNotFoundException in
// ApplyGuardrail).
func (r *Rules) guardrail(identifier, version, code string) (*guardrail, error) {
	notFound := func() error {
		return rockstream.BedrockError(code, "The guardrail identifier or version provided in the request does not exist.")
	}
	if identifier == "" {
		return nil, rockstream.Validationf("A guardrail identifier is required when a guardrail configuration is given.")
	}
	if r == nil {
		return nil, notFound()
	}
	g := r.guardrails[guardrailID(identifier)]
	if g == nil || !validVersion(version) {
		return nil, notFound()
	}
	if g.versions != nil && !slices.Contains(g.versions, version) {
		return nil, notFound()
	}
	return g, nil
}
