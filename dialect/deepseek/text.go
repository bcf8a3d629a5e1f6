package deepseek

import (
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

type textRequest struct {
	Prompt      string   `json:"prompt"`
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop,omitempty"`
}

// R1's chat template markers.
const (
	bos       = "<｜begin▁of▁sentence｜>"
	eos       = "<｜end▁of▁sentence｜>"
	userTag   = "<｜User｜>"
	answerTag = "<｜Assistant｜>"
	// thinkOpen ends a prompt that asks R1 to answer: it reasons first,
	// then writes "</think>" and the answer.
	thinkOpen  = "<think>\n"
	thinkClose = "\n</think>\n\n"
)

func encodeTextRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, name); err != nil {
		return nil, err
	}
	if len(req.Messages) == 0 {
		return nil, rockstream.Validationf("%s: the request has no messages", name)
	}
	if req.TopK != nil {
		return nil, prompt.Unsupported(name, "top_k")
	}
	turns, err := prompt.Turns(name, req)
	if err != nil {
		return nil, err
	}
	return prompt.JSON(textRequest{Prompt: render(prompt.System(req), turns), Temperature: req.Temperature,
		TopP: req.TopP, MaxTokens: req.MaxTokens, Stop: req.StopSequences})
}

func decodeTextRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	b.Allow("prompt", "temperature", "top_p", "max_tokens", "stop")
	b.Require("prompt")
	text, _ := b.String("prompt")
	req := &rockstream.Request{Model: modelID, Temperature: b.Float("temperature", 0, 1), TopP: b.Float("top_p", 0, 1)}
	if n := b.Int("max_tokens", 1, maxTokens); n != nil {
		req.MaxTokens = *n
	}
	req.StopSequences = b.Strings("stop", 10)
	if err := b.Err(); err != nil {
		return nil, err
	}
	system, turns, ok := parse(text)
	if !ok {
		system, turns = "", []prompt.Turn{{Role: rockstream.RoleUser, Text: text}}
	}
	if system != "" {
		req.System = []string{system}
	}
	req.Messages = prompt.Messages(turns)
	return req, nil
}

// render writes the conversation in R1's template, ending with the
// assistant's marker and "<think>" when the model is to answer. A single
// user turn already written in the template is sent unchanged.
func render(system string, turns []prompt.Turn) string {
	if system == "" && len(turns) == 1 && turns[0].Role == rockstream.RoleUser && strings.HasPrefix(turns[0].Text, bos) {
		return turns[0].Text
	}
	var sb strings.Builder
	sb.WriteString(bos + system)
	for i, t := range turns {
		if t.Role == rockstream.RoleAssistant {
			sb.WriteString(answerTag + t.Text)
			if i < len(turns)-1 {
				sb.WriteString(eos)
			}
			continue
		}
		sb.WriteString(userTag + t.Text)
	}
	if turns[len(turns)-1].Role == rockstream.RoleUser {
		sb.WriteString(answerTag + thinkOpen)
	}
	return sb.String()
}

// parse reads a prompt in R1's template back into the system prompt and
// turns; ok is false for any other prompt.
func parse(s string) (system string, turns []prompt.Turn, ok bool) {
	s, ok = strings.CutPrefix(s, bos)
	if !ok {
		return "", nil, false
	}
	system, s, ok = strings.Cut(s, userTag)
	if !ok || strings.Contains(system, answerTag) || strings.Contains(system, eos) {
		return "", nil, false
	}
	for _, seg := range strings.Split(s, userTag) {
		user, answer, answered := strings.Cut(seg, answerTag)
		if strings.Contains(user, eos) || strings.Contains(answer, answerTag) {
			return "", nil, false
		}
		turns = append(turns, prompt.Turn{Role: rockstream.RoleUser, Text: user})
		if !answered {
			continue
		}
		text, closed := strings.CutSuffix(answer, eos)
		if strings.Contains(text, eos) {
			return "", nil, false
		}
		if !closed && text == thinkOpen {
			continue // the generation prompt: the model answers here
		}
		turns = append(turns, prompt.Turn{Role: rockstream.RoleAssistant, Text: text})
	}
	return system, turns, true
}
