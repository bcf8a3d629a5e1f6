package builtin

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rockstream/rockstream"
)

// piiPatterns find the sensitive-information entity types the builtin
// guardrails know, by Bedrock's type names. They are plain patterns, good
// enough for tests to rely on, not detectors.
var piiPatterns = map[string]*regexp.Regexp{
	"EMAIL":                     regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`),
	"PHONE":                     regexp.MustCompile(`(?:\+?1[ .-]?)?\(?\b[2-9][0-9]{2}\)?[ .-][0-9]{3}[ .-][0-9]{4}\b`),
	"AWS_ACCESS_KEY":            regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`),
	"AWS_SECRET_KEY":            regexp.MustCompile(`\b[A-Za-z0-9/+]{40}\b`),
	"US_SOCIAL_SECURITY_NUMBER": regexp.MustCompile(`\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`),
	"CREDIT_DEBIT_CARD_NUMBER":  regexp.MustCompile(`\b(?:[0-9]{4}[ -]?){3}[0-9]{4}\b`),
	"IP_ADDRESS":                regexp.MustCompile(`\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b`),
	"URL":                       regexp.MustCompile(`\bhttps?://[^\s]+`),
}

func piiTypes() []string { return slices.Sorted(maps.Keys(piiPatterns)) }

// Bedrock's action reasons.
const (
	reasonBlocked = "Guardrail blocked."
	reasonMasked  = "Guardrail masked."
	reasonNone    = "No action."
)

// verdict is a guardrail's decision about one text.
type verdict struct {
	assessment rockstream.GuardrailAssessment
	blocked    bool   // a BLOCK policy matched
	masked     string // the text with ANONYMIZE entities masked
}

func (v verdict) intervened() bool { return v.blocked || len(v.assessment.PII) > 0 }

func (v verdict) reason() string {
	switch {
	case v.blocked:
		return reasonBlocked
	case v.intervened():
		return reasonMasked
	}
	return reasonNone
}

// assess applies every policy of g to text. With mask false (async
// streaming, where Bedrock cannot mask) ANONYMIZE entities are reported
// with action NONE and left in place.
func (g *guardrail) assess(text string, mask bool) verdict {
	var v verdict
	a := &v.assessment
	lower := strings.ToLower(text)
	for _, t := range g.topics {
		for _, p := range t.phrases {
			if strings.Contains(lower, p) {
				a.Topics = append(a.Topics, rockstream.GuardrailFinding{Name: t.name, Type: "DENY", Action: "BLOCKED"})
				v.blocked = true
				break
			}
		}
	}
	for _, w := range g.words {
		if m := w.re.FindString(text); m != "" {
			a.Words = append(a.Words, rockstream.GuardrailFinding{Match: m, Action: "BLOCKED"})
			v.blocked = true
		}
	}
	v.masked = text
	for _, p := range g.pii {
		for _, m := range p.re.FindAllString(text, -1) {
			action := "ANONYMIZED"
			switch {
			case p.block:
				action, v.blocked = "BLOCKED", true
			case !mask:
				action = "NONE"
			}
			a.PII = append(a.PII, rockstream.GuardrailFinding{Type: p.typ, Match: m, Action: action})
		}
		if !p.block && mask {
			v.masked = p.re.ReplaceAllLiteralString(v.masked, "{"+p.typ+"}")
		}
	}
	if !mask {
		a.PII = slices.DeleteFunc(a.PII, func(f rockstream.GuardrailFinding) bool { return f.Action == "NONE" })
	}
	a.Characters = len([]rune(text))
	a.Usage = g.usage(a.Characters)
	return v
}

// usage bills n characters to each policy g has: one unit per 1,000
// characters or part of them.
func (g *guardrail) usage(n int) rockstream.GuardrailUsage {
	units := (n + 999) / 1000
	var u rockstream.GuardrailUsage
	if len(g.topics) > 0 {
		u.TopicPolicyUnits = units
	}
	if len(g.words) > 0 {
		u.WordPolicyUnits = units
	}
	if len(g.pii) > 0 {
		u.SensitiveInformationPolicyUnits = units
	}
	return u
}

// ApplyGuardrail serves Bedrock's ApplyGuardrail from the rule file's
// guardrails: every text is assessed on its own, and one blocked text
// blocks them all.
func (b *Backend) ApplyGuardrail(ctx context.Context, check rockstream.GuardrailCheck) (*rockstream.GuardrailResult, error) {
	g, err := b.opts.Rules.guardrail(check.Identifier, check.Version, "ResourceNotFoundException")
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &rockstream.GuardrailResult{ActionReason: reasonNone}
	var blocked, masked bool
	var outputs []string
	for _, text := range check.Texts {
		v := g.assess(text, true)
		blocked = blocked || v.blocked
		masked = masked || v.intervened()
		outputs = append(outputs, v.masked)
		mergeAssessment(&res.Assessment, v.assessment)
	}
	switch {
	case blocked:
		msg := g.blockedInput
		if check.Source == rockstream.GuardrailOutput {
			msg = g.blockedOutput
		}
		res.Intervened, res.ActionReason, res.Outputs = true, reasonBlocked, []string{msg}
	case masked:
		res.Intervened, res.ActionReason, res.Outputs = true, reasonMasked, outputs
	}
	return res, nil
}

// mergeAssessment adds src's findings and usage to dst.
func mergeAssessment(dst *rockstream.GuardrailAssessment, src rockstream.GuardrailAssessment) {
	dst.Topics = appendTopics(dst.Topics, src.Topics)
	dst.Words = append(dst.Words, src.Words...)
	dst.PII = append(dst.PII, src.PII...)
	dst.Characters += src.Characters
	dst.Usage.TopicPolicyUnits += src.Usage.TopicPolicyUnits
	dst.Usage.WordPolicyUnits += src.Usage.WordPolicyUnits
	dst.Usage.SensitiveInformationPolicyUnits += src.Usage.SensitiveInformationPolicyUnits
}

// appendTopics adds the topics not already there, keeping names sorted.
func appendTopics(dst, src []rockstream.GuardrailFinding) []rockstream.GuardrailFinding {
	for _, t := range src {
		if !slices.ContainsFunc(dst, func(d rockstream.GuardrailFinding) bool { return d.Name == t.Name }) {
			dst = append(dst, t)
		}
	}
	sort.SliceStable(dst, func(i, j int) bool { return dst[i].Name < dst[j].Name })
	return dst
}
