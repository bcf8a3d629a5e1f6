package builtin

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// pieces splits text into token-like pieces: each is a run of
// non-space characters with the whitespace before it, so the pieces
// concatenate back to text exactly ("Once upon a" → "Once", " upon", " a").
// Whitespace at the end of text joins the last piece.
func pieces(text string) []string {
	var out []string
	start := 0
	inWord := false
	for i, r := range text {
		space := unicode.IsSpace(r)
		if !space {
			inWord = true
			continue
		}
		if inWord && i > start {
			out = append(out, text[start:i])
			start = i
			inWord = false
		}
	}
	switch {
	case start < len(text) && (inWord || len(out) == 0):
		out = append(out, text[start:])
	case start < len(text):
		out[len(out)-1] += text[start:]
	}
	return out
}

// countWords is the number of whitespace-separated words in s.
func countWords(s string) int { return len(strings.Fields(s)) }

// InputTokens counts a request's input tokens by one rule: the
// whitespace-separated words of the system prompts, of every text,
// thinking, guard-content and tool-result block, documents as
// documentTokens counts them, of tool-use inputs, and of each tool's
// name, description and input schema, plus 3 per message for its role
// markers. It is an estimate with a real tokenizer's order of magnitude,
// and the same request always counts the same.
func InputTokens(req *rockstream.Request) int {
	n := 0
	for _, s := range req.System {
		n += countWords(s)
	}
	for _, m := range req.Messages {
		n += 3 + blockWords(m.Content)
	}
	for _, t := range req.Tools {
		n += countWords(t.Name) + countWords(t.Description) + countWords(string(t.InputSchema))
	}
	return n
}

func blockWords(bs []rockstream.Block) int {
	n := 0
	for _, b := range bs {
		switch b.Type {
		case rockstream.BlockText, rockstream.BlockThinking, rockstream.BlockGuardContent:
			n += countWords(b.Text)
		case rockstream.BlockDocument:
			n += documentTokens(b.Document)
		case rockstream.BlockToolUse:
			n += countWords(b.Name) + countWords(string(b.Input))
		case rockstream.BlockToolResult:
			n += blockWords(b.Content)
		}
	}
	return n
}

// lastUser returns the last user message, or nil.
func lastUser(req *rockstream.Request) *rockstream.Message {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == rockstream.RoleUser {
			return &req.Messages[i]
		}
	}
	return nil
}

// promptOf is the text of the last user message: what the answer is about.
func promptOf(req *rockstream.Request) string {
	if m := lastUser(req); m != nil {
		return strings.TrimSpace(rockstream.TextOf(m.Content))
	}
	return ""
}

// toolResultOf returns the last user message's tool result, if it has one:
// the conversation is continuing after a tool call.
func toolResultOf(req *rockstream.Request) (rockstream.Block, bool) {
	m := lastUser(req)
	if m == nil {
		return rockstream.Block{}, false
	}
	for _, b := range m.Content {
		if b.Type == rockstream.BlockToolResult {
			return b, true
		}
	}
	return rockstream.Block{}, false
}

// toolResultText renders a tool result's content as text.
func toolResultText(b rockstream.Block) string {
	var sb strings.Builder
	for _, c := range b.Content {
		switch {
		case c.Type == rockstream.BlockText:
			sb.WriteString(c.Text)
		case len(c.Input) > 0:
			sb.Write(c.Input)
		}
	}
	if sb.Len() == 0 && len(b.Input) > 0 {
		var v any
		if json.Unmarshal(b.Input, &v) == nil {
			sb.Write(b.Input)
		}
	}
	return strings.TrimSpace(sb.String())
}

// stopWords are words too common to say what a prompt is about.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "me": true, "my": true, "i": true, "you": true, "your": true,
	"is": true, "are": true, "was": true, "were": true, "be": true, "to": true, "of": true, "in": true,
	"on": true, "for": true, "and": true, "or": true, "it": true, "this": true, "that": true, "with": true,
	"what": true, "how": true, "why": true, "who": true, "when": true, "where": true, "which": true,
	"please": true, "can": true, "could": true, "would": true, "tell": true, "give": true, "write": true,
	"explain": true, "describe": true, "about": true, "do": true, "does": true, "some": true, "us": true,
	"short": true, "story": true, "use": true, "using": true, "get": true, "now": true, "today": true,
}

// keywords returns the lower-case content words of s, in order.
func keywords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		if len(w) > 1 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// leadIns are the openings of requests, removed to find their subject.
var leadIns = []string{
	"tell me a story about", "tell me a short story about", "write a story about", "write a short story about",
	"tell me a story of", "write a poem about", "tell me about", "write about", "explain", "describe",
	"what's", "whats", "what is", "what are", "who is", "who was", "how does", "how do", "how to", "why is", "why do",
	"can you", "could you", "please",
}

// subjectOf is the phrase the prompt is about: the words after "about"
// when there is one, else the prompt without its lead-in, cut at the
// first sentence end and to at most 10 words.
func subjectOf(prompt string) string {
	p := strings.TrimSpace(prompt)
	if i := strings.IndexAny(p, ".!?\n"); i > 0 {
		p = p[:i]
	}
	low := strings.ToLower(p)
	if i := strings.Index(low, " about "); i >= 0 {
		p = p[i+len(" about "):]
	} else {
		for changed := true; changed; {
			changed = false
			for _, l := range leadIns {
				if strings.HasPrefix(strings.ToLower(p), l+" ") {
					p = strings.TrimSpace(p[len(l):])
					changed = true
				}
			}
		}
	}
	words := strings.Fields(strings.Trim(p, " ,;:\"'"))
	if len(words) > 1 && trailingVerbs[strings.ToLower(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	if len(words) > 10 {
		words = words[:10]
	}
	s := strings.TrimRight(strings.Join(words, " "), ",;:")
	if s == "" {
		return "your request"
	}
	return s
}

// heroOf is the short noun phrase naming a story's characters: the start
// of the subject up to a word that begins a clause ("two puppies who…" →
// "two puppies").
func heroOf(subject string) string {
	words := strings.Fields(subject)
	var out []string
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ",;:"))
		if len(out) > 0 && clauseWords[lw] || len(out) == 4 {
			break
		}
		out = append(out, strings.Trim(w, ",;:"))
	}
	return strings.Join(out, " ")
}

// trailingVerbs end questions without adding to their subject ("how does
// X work").
var trailingVerbs = map[string]bool{"work": true, "works": true, "mean": true, "means": true, "do": true, "does": true}

var clauseWords = map[string]bool{
	"who": true, "that": true, "which": true, "and": true, "in": true, "on": true, "at": true,
	"with": true, "from": true, "named": true, "called": true, "for": true, "to": true, "into": true,
	"while": true, "when": true, "where": true, "of": true, "as": true,
}

// isStoryPrompt reports whether the prompt asks for a narrative.
func isStoryPrompt(prompt string) bool {
	low := strings.ToLower(prompt)
	for _, w := range []string{"story", "tale", "fable", "narrative", "once upon"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// clip returns at most n words of s, with an ellipsis when cut.
func clip(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.Join(w[:n], " ") + "…"
}

// CountTokens counts req's input tokens as its streams report them
// (InputTokens), without running it. A model the builtin would not
// stream (unknown, end of life, profile only) fails as its stream would.
func (b *Backend) CountTokens(_ context.Context, req *rockstream.Request) (int, error) {
	if _, err := catalog.Resolve(modelOf(req)); err != nil {
		return 0, err
	}
	return InputTokens(req), nil
}
