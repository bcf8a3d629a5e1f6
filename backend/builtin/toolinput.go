package builtin

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rockstream/rockstream"
)

// Bounds on tool-input generation. A caller chooses the schema, so the
// work it costs must not grow faster than the schema itself: every
// schema node is visited at most once (a name required twice is filled
// once, as a JSON object holds it once), objects and arrays deeper than
// maxInputDepth are left empty, and past maxInputValues values or
// maxInputBytes bytes the generator goes frugal: each remaining value
// is its type's simplest (`""`, 0, `{}` with its required properties,
// `[]`), so the input still has the schema's shape at a cost linear in
// the schema.
const (
	maxInputDepth    = 5
	maxInputValues   = 10_000
	maxInputBytes    = 1 << 20
	maxInputText     = 256      // bytes of one generated string
	maxEnumChecks    = 4096     // enum values looked for in the prompt
	enumPromptBytes  = 16 << 10 // of the prompt searched for enum values
	ctxCheckInterval = 256      // values between looks at ctx
	maxPieceBytes    = 12 + utf8.UTFMax - 1
)

// schema is the subset of JSON Schema the builtin model fills in.
type schema struct {
	Type       json.RawMessage    `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Items      *schema            `json:"items"`
	Enum       []any              `json:"enum"`
	Default    any                `json:"default"`
	Const      any                `json:"const"`
}

// typeName returns the schema's type; for a list of types, the first that
// is not "null".
func (s *schema) typeName() string {
	var one string
	if json.Unmarshal(s.Type, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(s.Type, &many) == nil {
		for _, t := range many {
			if t != "null" {
				return t
			}
		}
	}
	if s.Properties != nil {
		return "object"
	}
	return ""
}

// toolInput builds the JSON input of a call to tool, valid against simple
// schemas (object, string, number, integer, boolean, array, enum) and
// filled from the prompt's words where it can be. With maxPieces >= 0 it
// stops once the input is longer than maxPieces stream pieces can carry:
// the rest would be cut by max_tokens anyway, and what is kept is the
// same prefix an unlimited call produces. A cancelled ctx stops it too;
// the error is ctx's.
func toolInput(ctx context.Context, tool rockstream.Tool, prompt string, rng *rand.Rand, maxPieces int) ([]byte, error) {
	var s schema
	if len(tool.InputSchema) == 0 || json.Unmarshal(tool.InputSchema, &s) != nil {
		s = schema{Properties: map[string]*schema{}}
	}
	g := newInputGen(ctx, prompt, rng)
	if maxPieces >= 0 {
		g.stopAt = maxPieceBytes*maxPieces + 1
	}
	g.root(&s)
	return g.buf.Bytes(), g.err
}

// inputGen writes one tool input as it decides it, counting its work.
type inputGen struct {
	ctx    context.Context
	rng    *rand.Rand
	prompt string
	buf    bytes.Buffer
	stopAt int // stop once the output is this long; 0 means never

	stopped    bool
	err        error
	values     int // values generated (the work done)
	enumChecks int

	// Facts about the prompt, each found once.
	lowPrompt   string
	number      string
	place, kw   string
	placeLooked bool
}

func newInputGen(ctx context.Context, prompt string, rng *rand.Rand) *inputGen {
	g := &inputGen{ctx: ctx, rng: rng, prompt: prompt}
	g.lowPrompt = strings.ToLower(truncateUTF8(prompt, enumPromptBytes))
	g.number = numberPattern.FindString(prompt)
	kw := keywords(prompt)
	g.kw = truncateUTF8(strings.Join(kw[:min(4, len(kw))], " "), maxInputText)
	if g.kw == "" {
		g.kw = "example"
	}
	return g
}

var numberPattern = regexp.MustCompile(`-?\d+(\.\d+)?`)

// frugal reports whether the budget is spent: values from here on are
// their type's simplest.
func (g *inputGen) frugal() bool {
	return g.values >= maxInputValues || g.buf.Len() >= maxInputBytes
}

func (g *inputGen) write(s string) {
	if g.stopped {
		return
	}
	g.buf.WriteString(s)
	if g.stopAt > 0 && g.buf.Len() >= g.stopAt {
		g.stopped = true
	}
}

func (g *inputGen) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	g.write(string(b))
}

// root writes the input, which is always an object.
func (g *inputGen) root(s *schema) {
	if v, ok := g.fixed(s); ok {
		if _, isObject := v.(map[string]any); isObject {
			g.writeJSON(v)
		} else {
			g.write("{}")
		}
		return
	}
	if s.typeName() != "object" {
		g.write("{}")
		return
	}
	g.value("input", s, 0)
}

// fixed is the value the schema itself dictates (const, an enum value
// the prompt names or else the first, default), if any.
func (g *inputGen) fixed(s *schema) (any, bool) {
	switch {
	case s.Const != nil:
		return s.Const, true
	case len(s.Enum) > 0:
		for _, e := range s.Enum {
			if g.enumChecks >= maxEnumChecks || g.frugal() {
				break
			}
			g.enumChecks++
			if str, ok := e.(string); ok && str != "" && strings.Contains(g.lowPrompt, strings.ToLower(str)) {
				return e, true
			}
		}
		return s.Enum[0], true
	case s.Default != nil:
		return s.Default, true
	}
	return nil, false
}

func (g *inputGen) value(name string, s *schema, depth int) {
	if g.stopped {
		return
	}
	g.values++
	if g.values%ctxCheckInterval == 0 && g.ctx.Err() != nil {
		g.stopped, g.err = true, g.ctx.Err()
		return
	}
	if s == nil {
		g.text(name)
		return
	}
	if v, ok := g.fixed(s); ok {
		g.writeJSON(v)
		return
	}
	switch s.typeName() {
	case "object":
		g.object(s, depth)
	case "array":
		g.write("[")
		if depth < maxInputDepth && !g.frugal() {
			g.value(name, s.Items, depth+1)
		}
		g.write("]")
	case "integer":
		g.integer()
	case "number":
		g.float()
	case "boolean":
		g.write("true")
	case "null":
		g.write("null")
	default:
		g.text(name)
	}
}

// object writes the required properties (all of them when none is
// required), each once, in name order.
func (g *inputGen) object(s *schema, depth int) {
	g.write("{")
	if depth < maxInputDepth {
		names := slices.Clone(s.Required)
		if len(names) == 0 && !g.frugal() {
			for k := range s.Properties {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		names = slices.Compact(names)
		for i, k := range names {
			if g.stopped {
				return
			}
			if i > 0 {
				g.write(",")
			}
			g.writeJSON(k)
			g.write(":")
			g.value(k, s.Properties[k], depth+1)
		}
	}
	g.write("}")
}

func (g *inputGen) integer() {
	if !g.frugal() {
		if g.number != "" {
			if n, err := strconv.Atoi(strings.Split(g.number, ".")[0]); err == nil {
				g.write(strconv.Itoa(n))
				return
			}
		}
		g.write(strconv.Itoa(1 + g.rng.IntN(9)))
		return
	}
	g.write("0")
}

func (g *inputGen) float() {
	if !g.frugal() {
		if g.number != "" {
			if x, err := strconv.ParseFloat(g.number, 64); err == nil {
				g.writeJSON(x)
				return
			}
		}
		g.writeJSON(float64(1 + g.rng.IntN(9)))
		return
	}
	g.write("0")
}

// text fills a string property: a capitalised word from the prompt for
// place-like names, else the prompt's key words.
func (g *inputGen) text(name string) {
	if g.frugal() {
		g.write(`""`)
		return
	}
	low := strings.ToLower(name)
	for _, hint := range []string{"city", "location", "place", "country", "town", "name", "destination", "origin"} {
		if strings.Contains(low, hint) {
			if !g.placeLooked {
				g.place, g.placeLooked = truncateUTF8(properNoun(g.prompt), maxInputText), true
			}
			if g.place != "" {
				g.writeJSON(g.place)
				return
			}
			break
		}
	}
	g.writeJSON(g.kw)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// properNoun returns the first capitalised word that does not start a
// sentence, e.g. "Paris" in "What's the weather in Paris?".
func properNoun(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if w == "" || i == 0 || strings.HasSuffix(words[i-1], ".") {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) && w != "I" {
			return w
		}
	}
	return ""
}
