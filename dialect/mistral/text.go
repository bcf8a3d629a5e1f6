package mistral

import (
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

type textRequest struct {
	Prompt      string   `json:"prompt"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	TopK        *int     `json:"top_k,omitempty"`
}

func encodeTextRequest(req *rockstream.Request) ([]byte, error) {
	turns, err := prompt.Turns(name, req)
	if err != nil {
		return nil, err
	}
	return prompt.JSON(textRequest{Prompt: render(prompt.System(req), turns), MaxTokens: req.MaxTokens,
		Stop: req.StopSequences, Temperature: req.Temperature, TopP: req.TopP, TopK: req.TopK})
}

func decodeTextRequest(b *prompt.Body, req *rockstream.Request) error {
	b.Allow("prompt", "max_tokens", "stop", "temperature", "top_p", "top_k")
	b.Require("prompt")
	text, _ := b.String("prompt")
	if n := b.Int("max_tokens", 1, 8192); n != nil {
		req.MaxTokens = *n
	}
	req.StopSequences = b.Strings("stop", 10)
	req.Temperature = b.Float("temperature", 0, 1)
	req.TopP = b.Float("top_p", 0, 1)
	req.TopK = b.Int("top_k", 1, 200)
	if err := b.Err(); err != nil {
		return err
	}
	turns, ok := parse(text)
	if !ok {
		turns = []prompt.Turn{{Role: rockstream.RoleUser, Text: text}}
	}
	req.Messages = prompt.Messages(turns)
	return nil
}

const (
	bos, eos      = "<s>", "</s>"
	inst, endInst = "[INST] ", " [/INST]"
)

// render writes Mistral's instruction template. It has no system role, so
// the system prompt opens the first user turn. A single user turn that is
// already a template prompt is sent unchanged.
func render(system string, turns []prompt.Turn) string {
	if system == "" && len(turns) == 1 && turns[0].Role == rockstream.RoleUser && strings.HasPrefix(turns[0].Text, bos) {
		return turns[0].Text
	}
	var sb strings.Builder
	sb.WriteString(bos)
	for i, t := range turns {
		if t.Role == rockstream.RoleAssistant {
			if i == 0 {
				sb.WriteString(inst + endInst)
			}
			sb.WriteString(t.Text)
			if i < len(turns)-1 {
				sb.WriteString(eos)
			}
			continue
		}
		if i > 0 && turns[i-1].Role == rockstream.RoleUser {
			sb.WriteString(eos) // two user turns in a row: an empty answer between them
		}
		sb.WriteString(inst)
		if i == 0 && system != "" {
			sb.WriteString(system + "\n\n")
		}
		sb.WriteString(t.Text)
		sb.WriteString(endInst)
	}
	return sb.String()
}

// parse reads a prompt in the template back into turns; the system prompt
// cannot be told apart from the first user turn and stays in it.
func parse(s string) ([]prompt.Turn, bool) {
	s, ok := strings.CutPrefix(s, bos)
	if !ok {
		return nil, false
	}
	var turns []prompt.Turn
	for s != "" {
		rest, ok := strings.CutPrefix(s, inst)
		if !ok {
			return nil, false
		}
		user, rest, ok := strings.Cut(rest, endInst)
		if !ok {
			return nil, false
		}
		answer, after, closed := strings.Cut(rest, eos)
		if strings.Contains(answer, inst) {
			return nil, false
		}
		turns = append(turns, prompt.Turn{Role: rockstream.RoleUser, Text: user})
		if answer != "" || closed {
			turns = append(turns, prompt.Turn{Role: rockstream.RoleAssistant, Text: answer})
		}
		s = strings.TrimPrefix(strings.TrimLeft(after, " "), bos)
	}
	return turns, len(turns) > 0
}
