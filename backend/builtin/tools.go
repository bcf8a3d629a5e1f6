package builtin

import (
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

// forcedTool reports whether req's tool choice forces a tool call
// ("any" or "tool").
func forcedTool(req *rockstream.Request) bool {
	return req.ToolChoice != nil && (req.ToolChoice.Type == "any" || req.ToolChoice.Type == "tool")
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
