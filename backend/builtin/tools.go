package builtin

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/rockstream/rockstream"
)

// chooseTool picks the tool the builtin model calls for req, if any: the
// one tool_choice names, else the tool whose name and description share
// the most words with the prompt (any tool at all for tool_choice "any").
// A conversation that just returned a tool result gets a text answer.
func chooseTool(req *rockstream.Request) (rockstream.Tool, bool) {
	if len(req.Tools) == 0 {
		return rockstream.Tool{}, false
	}
	if _, ok := toolResultOf(req); ok {
		return rockstream.Tool{}, false
	}
	choice := "auto"
	if req.ToolChoice != nil && req.ToolChoice.Type != "" {
		choice = req.ToolChoice.Type
	}
	switch choice {
	case "none":
		return rockstream.Tool{}, false
	case "tool":
		for _, t := range req.Tools {
			if t.Name == req.ToolChoice.Name {
				return t, true
			}
		}
	}
	prompt := map[string]bool{}
	for _, w := range keywords(promptOf(req)) {
		prompt[stem(w)] = true
	}
	best, bestScore := 0, 0
	for i, t := range req.Tools {
		score := 0
		for _, w := range keywords(splitIdentifier(t.Name) + " " + t.Description) {
			if prompt[stem(w)] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if bestScore == 0 && choice != "any" {
		return rockstream.Tool{}, false
	}
	return req.Tools[best], true
}

// stem folds simple plurals so "cities" meets "city" and "forecasts"
// meets "forecast".
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// splitIdentifier turns get_weather, getWeather and get-weather into
// "get weather".
func splitIdentifier(s string) string {
	var sb strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r == '-' || r == '.':
			sb.WriteByte(' ')
		case unicode.IsUpper(r) && i > 0:
			sb.WriteByte(' ')
			sb.WriteRune(unicode.ToLower(r))
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

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
// filled from the prompt's words where it can be.
func toolInput(tool rockstream.Tool, prompt string, rng *rand.Rand) []byte {
	var s schema
	if len(tool.InputSchema) == 0 || json.Unmarshal(tool.InputSchema, &s) != nil {
		s = schema{Properties: map[string]*schema{}}
	}
	f := filler{prompt: prompt, kw: keywords(prompt), rng: rng}
	v := f.value("input", &s, 0)
	if _, ok := v.(map[string]any); !ok {
		v = map[string]any{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("{}")
	}
	return b
}

type filler struct {
	prompt string
	kw     []string
	rng    *rand.Rand
}

var numberPattern = regexp.MustCompile(`-?\d+(\.\d+)?`)

func (f filler) value(name string, s *schema, depth int) any {
	switch {
	case s == nil:
		return f.text(name)
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		low := strings.ToLower(f.prompt)
		for _, e := range s.Enum {
			if str, ok := e.(string); ok && str != "" && strings.Contains(low, strings.ToLower(str)) {
				return e
			}
		}
		return s.Enum[0]
	case s.Default != nil:
		return s.Default
	}
	switch s.typeName() {
	case "object":
		obj := map[string]any{}
		if depth > 4 {
			return obj
		}
		props := s.Required
		if len(props) == 0 {
			for k := range s.Properties {
				props = append(props, k)
			}
			slices.Sort(props)
		}
		for _, k := range props {
			obj[k] = f.value(k, s.Properties[k], depth+1)
		}
		return obj
	case "array":
		if depth > 4 {
			return []any{}
		}
		return []any{f.value(name, s.Items, depth+1)}
	case "integer":
		if m := numberPattern.FindString(f.prompt); m != "" {
			if n, err := strconv.Atoi(strings.Split(m, ".")[0]); err == nil {
				return n
			}
		}
		return 1 + f.rng.IntN(9)
	case "number":
		if m := numberPattern.FindString(f.prompt); m != "" {
			if x, err := strconv.ParseFloat(m, 64); err == nil {
				return x
			}
		}
		return float64(1 + f.rng.IntN(9))
	case "boolean":
		return true
	case "null":
		return nil
	}
	return f.text(name)
}

// text fills a string property: a capitalised word from the prompt for
// place-like names, else the prompt's key words.
func (f filler) text(name string) string {
	low := strings.ToLower(name)
	for _, hint := range []string{"city", "location", "place", "country", "town", "name", "destination", "origin"} {
		if strings.Contains(low, hint) {
			if w := properNoun(f.prompt); w != "" {
				return w
			}
		}
	}
	if len(f.kw) == 0 {
		return "example"
	}
	return strings.Join(f.kw[:min(4, len(f.kw))], " ")
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
		if r := []rune(w)[0]; unicode.IsUpper(r) && w != "I" {
			return w
		}
	}
	return ""
}

// jsonPieces splits a tool's input JSON into the partial pieces a model
// streams: runs of up to 12 bytes that never split a UTF-8 character.
func jsonPieces(js []byte) []string {
	var out []string
	s := string(js)
	for len(s) > 0 {
		n := min(12, len(s))
		for n < len(s) && !utf8Start(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
