// Package cohere converts Cohere Command InvokeModel bodies and stream
// chunks to and from rockstream's neutral model, in both of Cohere's
// forms: the legacy prompt form of command-text and command-light-text,
// and Command R's message/chat_history form with event_type chunks.
// Decoding accepts both; encoding uses the chat form when Codec.Chat is
// set or the model is a Command R. Tools and images are not carried.
package cohere

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// Codec is the Cohere Command family's codec. Chat selects the Command R
// form for what it encodes; the zero value writes the legacy form (unless
// a request's model is a Command R).
type Codec struct {
	Chat bool
}

var _ dialect.Codec = Codec{}

const name = "cohere"

// Name is "cohere".
func (Codec) Name() string { return name }

// IsChatModel reports whether a base model ID is a Command R model.
func IsChatModel(model string) bool { return strings.Contains(model, "command-r") }

// legacy is the transcript a multi-turn conversation becomes in the
// legacy prompt form; a lone user message is sent as it is.
var legacy = prompt.Transcript{User: "User", Assistant: "Chatbot"}

type legacyRequest struct {
	Prompt        string   `json:"prompt"`
	Temperature   *float64 `json:"temperature,omitempty"`
	P             *float64 `json:"p,omitempty"`
	K             *int     `json:"k,omitempty"`
	MaxTokens     int      `json:"max_tokens,omitempty"`
	StopSequences []string `json:"stop_sequences,omitempty"`
}

type chatRequest struct {
	Message       string     `json:"message"`
	ChatHistory   []turnJSON `json:"chat_history,omitempty"`
	Preamble      string     `json:"preamble,omitempty"`
	MaxTokens     int        `json:"max_tokens,omitempty"`
	Temperature   *float64   `json:"temperature,omitempty"`
	P             *float64   `json:"p,omitempty"`
	K             *int       `json:"k,omitempty"`
	StopSequences []string   `json:"stop_sequences,omitempty"`
}

type turnJSON struct {
	Role    string `json:"role"`
	Message string `json:"message"`
}

// EncodeRequest writes req in the chat form when c.Chat is set or the
// model is a Command R, else in the legacy prompt form.
func (c Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, name); err != nil {
		return nil, err
	}
	turns, err := prompt.Turns(name, req)
	if err != nil {
		return nil, err
	}
	if len(turns) == 0 {
		return nil, rockstream.Validationf("%s: the request has no messages", name)
	}
	system := prompt.System(req)
	if !c.Chat && !IsChatModel(req.Model) {
		text := turns[0].Text
		if system != "" || len(turns) > 1 || turns[0].Role != rockstream.RoleUser {
			text = legacy.Render(system, turns)
		}
		return prompt.JSON(legacyRequest{Prompt: text, Temperature: req.Temperature, P: req.TopP, K: req.TopK,
			MaxTokens: req.MaxTokens, StopSequences: req.StopSequences})
	}
	last := turns[len(turns)-1]
	if last.Role != rockstream.RoleUser {
		return nil, prompt.Unsupported(name, "an assistant prefill")
	}
	body := chatRequest{Message: last.Text, Preamble: system, MaxTokens: req.MaxTokens, Temperature: req.Temperature,
		P: req.TopP, K: req.TopK, StopSequences: req.StopSequences}
	for _, t := range turns[:len(turns)-1] {
		role := "USER"
		if t.Role == rockstream.RoleAssistant {
			role = "CHATBOT"
		}
		body.ChatHistory = append(body.ChatHistory, turnJSON{Role: role, Message: t.Text})
	}
	return prompt.JSON(body)
}

// DecodeRequest checks a body of either form as Bedrock does.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	req := &rockstream.Request{Model: modelID}
	if b.Has("message") || IsChatModel(modelID) {
		decodeChat(b, req)
	} else {
		decodeLegacy(b, req)
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	return req, nil
}

func decodeLegacy(b *prompt.Body, req *rockstream.Request) {
	b.Allow("prompt", "temperature", "p", "k", "max_tokens", "stop_sequences", "return_likelihoods", "stream", "num_generations", "truncate")
	b.Require("prompt")
	text, _ := b.String("prompt")
	req.Temperature = b.Float("temperature", 0, 5)
	req.TopP = b.Float("p", 0, 1)
	req.TopK = b.Int("k", 0, 500)
	if n := b.Int("max_tokens", 1, 4096); n != nil {
		req.MaxTokens = *n
	}
	req.StopSequences = b.Strings("stop_sequences", 4)
	b.Enum("return_likelihoods", "GENERATION", "ALL", "NONE")
	b.Bool("stream")
	b.Int("num_generations", 1, 5)
	b.Enum("truncate", "NONE", "START", "END")
	system, turns, ok := legacy.Parse(text)
	if !ok {
		turns = []prompt.Turn{{Role: rockstream.RoleUser, Text: text}}
	}
	if system != "" {
		req.System = []string{system}
	}
	req.Messages = prompt.Messages(turns)
}

func decodeChat(b *prompt.Body, req *rockstream.Request) {
	b.Allow("message", "chat_history", "preamble", "max_tokens", "temperature", "p", "k", "stop_sequences",
		"seed", "frequency_penalty", "presence_penalty", "prompt_truncation", "return_prompt")
	b.Require("message")
	msg, _ := b.String("message")
	if p, ok := b.String("preamble"); ok && p != "" {
		req.System = []string{p}
	}
	if n := b.Int("max_tokens", 1, 4096); n != nil {
		req.MaxTokens = *n
	}
	req.Temperature = b.Float("temperature", 0, 1)
	req.TopP = b.Float("p", 0, 1)
	req.TopK = b.Int("k", 0, 500)
	req.StopSequences = b.Strings("stop_sequences", 4)
	b.Int("seed", 0, 1<<31-1)
	b.Float("frequency_penalty", 0, 1)
	b.Float("presence_penalty", 0, 1)
	b.Enum("prompt_truncation", "OFF", "AUTO_PRESERVE_ORDER")
	b.Bool("return_prompt")
	var turns []prompt.Turn
	for i, raw := range b.Array("chat_history") {
		h := b.Element("chat_history", i, raw)
		if h == nil {
			continue
		}
		h.Allow("role", "message")
		h.Require("role", "message")
		role, _ := h.Enum("role", "USER", "CHATBOT", "SYSTEM")
		text, _ := h.String("message")
		switch role {
		case "SYSTEM":
			req.System = append(req.System, text)
		case "CHATBOT":
			turns = append(turns, prompt.Turn{Role: rockstream.RoleAssistant, Text: text})
		default:
			turns = append(turns, prompt.Turn{Role: rockstream.RoleUser, Text: text})
		}
	}
	req.Messages = prompt.Messages(append(turns, prompt.Turn{Role: rockstream.RoleUser, Text: msg}))
}

var (
	errNotChunk   = errors.New(`chunk has neither "is_finished" nor "event_type"`)
	errNoResponse = errors.New("response has no generations or text")
)

// stopReason maps Cohere's finish_reason; ERROR has no stop reason.
func stopReason(r string) (rockstream.StopReason, bool) {
	switch r {
	case "MAX_TOKENS", "ERROR_LIMIT":
		return rockstream.StopMaxTokens, true
	case "STOP_SEQUENCE":
		return rockstream.StopSequenceHit, true
	case "ERROR_TOXIC":
		return rockstream.StopContentFiltered, true
	case "ERROR":
		return "", false
	}
	return rockstream.StopEndTurn, true // COMPLETE, USER_CANCEL
}

// finishReason is Cohere's spelling of r; the legacy form has no
// STOP_SEQUENCE and reports COMPLETE.
func finishReason(r rockstream.StopReason, chat bool) string {
	switch r {
	case rockstream.StopMaxTokens:
		return "MAX_TOKENS"
	case rockstream.StopSequenceHit:
		if chat {
			return "STOP_SEQUENCE"
		}
	case rockstream.StopContentFiltered, rockstream.StopGuardrail:
		return "ERROR_TOXIC"
	}
	return "COMPLETE"
}

// modelError is the in-stream failure a finish_reason of ERROR reports.
func modelError() *rockstream.Error {
	e := rockstream.BedrockError("ModelStreamErrorException", "cohere: the model finished with finish_reason ERROR")
	e.InStream = true
	return e
}

// IsChatBody reports whether a request body uses the Command R form.
func IsChatBody(body []byte) bool {
	var probe struct {
		Message json.RawMessage `json:"message"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Message != nil
}
