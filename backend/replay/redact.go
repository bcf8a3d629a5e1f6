package replay

import (
	"regexp"
	"slices"
	"strings"
)

// redacted replaces every secret in a recording.
const redacted = "[REDACTED]"

// secretPatterns match credentials people paste into prompts and models
// repeat in answers: AWS access key IDs and secret keys, Bedrock API
// keys, bearer tokens, OpenAI and Anthropic style keys. For a pattern
// with a valueGroup, only that group is the secret; the name before it
// stays readable.
var secretPatterns = []struct {
	re         *regexp.Regexp
	valueGroup int
}{
	{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), 0},
	{regexp.MustCompile(`(?i)(aws_secret_access_key|secret_access_key|secretAccessKey)["'\s:=]+([A-Za-z0-9/+=]{40})`), 2},
	{regexp.MustCompile(`\bABSK[A-Za-z0-9+/=]{20,}`), 0},
	{regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}`), 0},
	{regexp.MustCompile(`\bsk-(ant-)?[A-Za-z0-9_-]{20,}`), 0},
}

// Redact replaces credentials in s with [REDACTED].
func Redact(s string) string { return redactPieces([]string{s})[0] }

// redactPieces redacts secrets in the text that pieces make together, so
// a key a model streams across several deltas is caught too. Each secret
// becomes [REDACTED] in the piece where it began; the pieces after lose
// the rest of it. There are as many pieces out as in.
func redactPieces(pieces []string) []string {
	text := strings.Join(pieces, "")
	spans := secretSpans(text)
	if len(spans) == 0 {
		return pieces
	}
	out := make([]string, len(pieces))
	pos, next := 0, 0 // pos: offset of the piece; next: first span not yet passed
	for i, p := range pieces {
		end := pos + len(p)
		var sb strings.Builder
		at := pos
		for ; next < len(spans) && spans[next][0] < end; next++ {
			sp := spans[next]
			if sp[0] >= at {
				sb.WriteString(text[at:sp[0]])
				sb.WriteString(redacted)
			}
			at = max(at, min(sp[1], end))
			if sp[1] > end {
				break // the span goes on into the next piece
			}
		}
		if at < end {
			sb.WriteString(text[at:end])
		}
		out[i] = sb.String()
		pos = end
	}
	return out
}

// secretSpans returns the byte ranges of secrets in text, sorted and
// merged where they overlap.
func secretSpans(text string) [][2]int {
	var spans [][2]int
	for _, p := range secretPatterns {
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			spans = append(spans, [2]int{m[2*p.valueGroup], m[2*p.valueGroup+1]})
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var merged [][2]int
	for _, s := range spans {
		if n := len(merged); n > 0 && s[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	return merged
}
