package prompt

import (
	"strings"

	"github.com/rockstream/rockstream"
)

// Unsupported is the validation error for something a family's wire
// format cannot carry.
func Unsupported(family, what string) *rockstream.Error {
	return rockstream.Validationf("%s: %s cannot be sent to this model family", family, what)
}

// Turn is one message reduced to plain text.
type Turn struct {
	Role rockstream.Role
	Text string
}

// Turns flattens req's messages to text, failing on tools, reasoning and
// any block other than text: prompt-format families carry text only.
func Turns(family string, req *rockstream.Request) ([]Turn, error) {
	if err := TextOnly(family, req); err != nil {
		return nil, err
	}
	turns := make([]Turn, 0, len(req.Messages))
	for _, m := range req.Messages {
		turns = append(turns, Turn{Role: m.Role, Text: rockstream.TextOf(m.Content)})
	}
	return turns, nil
}

// TextOnly fails unless every block of req is text and it asks for no
// tools or reasoning.
func TextOnly(family string, req *rockstream.Request) error {
	if len(req.Tools) > 0 || req.ToolChoice != nil {
		return Unsupported(family, "tools")
	}
	if req.Thinking != nil {
		return Unsupported(family, "extended thinking")
	}
	for _, m := range req.Messages {
		if err := checkRole(family, m.Role); err != nil {
			return err
		}
		for _, b := range m.Content {
			if b.Type != rockstream.BlockText {
				return Unsupported(family, string(b.Type)+" content")
			}
		}
	}
	return nil
}

func checkRole(family string, r rockstream.Role) error {
	if r != rockstream.RoleUser && r != rockstream.RoleAssistant {
		return Unsupported(family, "role "+string(r))
	}
	return nil
}

// System joins the system prompts with blank lines.
func System(req *rockstream.Request) string { return strings.Join(req.System, "\n\n") }

// Messages turns parsed turns back into neutral messages.
func Messages(turns []Turn) []rockstream.Message {
	msgs := make([]rockstream.Message, 0, len(turns))
	for _, t := range turns {
		msgs = append(msgs, rockstream.Message{Role: t.Role, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: t.Text}}})
	}
	return msgs
}

// Transcript is the "User: …\nBot:" template: each turn on its own line
// behind its speaker label, the system prompt first and a blank line after
// it, and the assistant's label last when the model is to answer.
type Transcript struct {
	User, Assistant string // labels without the colon, e.g. "User", "Bot"
}

// Render writes the conversation in the template.
func (t Transcript) Render(system string, turns []Turn) string {
	var sb strings.Builder
	if system != "" {
		sb.WriteString(system)
		sb.WriteString("\n\n")
	}
	for i, turn := range turns {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(t.label(turn.Role))
		sb.WriteByte(':')
		if turn.Text != "" {
			sb.WriteByte(' ')
			sb.WriteString(turn.Text)
		}
	}
	if len(turns) == 0 || turns[len(turns)-1].Role == rockstream.RoleUser {
		if len(turns) > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(t.Assistant)
		sb.WriteByte(':')
	}
	return sb.String()
}

func (t Transcript) label(r rockstream.Role) string {
	if r == rockstream.RoleAssistant {
		return t.Assistant
	}
	return t.User
}

// Parse reads a prompt written in the template. ok is false when s does
// not begin (after an optional system paragraph) with the user's label.
// Text that itself contains "\nUser:" at a line start reads as a new turn.
func (t Transcript) Parse(s string) (system string, turns []Turn, ok bool) {
	first := t.User + ":"
	if !strings.HasPrefix(s, first) {
		i := strings.Index(s, "\n\n"+first)
		if i < 0 {
			return "", nil, false
		}
		system, s = s[:i], s[i+2:]
	}
	role := rockstream.RoleUser
	s = s[len(first):]
	for {
		next, nextRole, cut := t.nextLabel(s)
		text := strings.TrimPrefix(s[:next], " ")
		last := cut < 0
		if !(last && role == rockstream.RoleAssistant && text == "") {
			turns = append(turns, Turn{Role: role, Text: text})
		}
		if last {
			return system, turns, true
		}
		role, s = nextRole, s[cut:]
	}
}

// nextLabel finds the earliest "\nLabel:" in s: the text ends at next and
// the following turn starts at cut (-1 when there is none).
func (t Transcript) nextLabel(s string) (next int, role rockstream.Role, cut int) {
	next, cut = len(s), -1
	for _, r := range []rockstream.Role{rockstream.RoleUser, rockstream.RoleAssistant} {
		marker := "\n" + t.label(r) + ":"
		if i := strings.Index(s, marker); i >= 0 && i < next {
			next, role, cut = i, r, i+len(marker)
		}
	}
	return next, role, cut
}
