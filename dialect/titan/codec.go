// Package titan converts Amazon Titan Text InvokeModel bodies and stream
// chunks to and from rockstream's neutral model. Titan takes one prompt,
// so the conversation is written as a "User: …\nBot:" transcript; it has
// no tools, images or reasoning, and no top-k (a TopK is dropped).
package titan

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// Codec is the Titan Text family's codec.
type Codec struct{}

var _ dialect.Codec = Codec{}

const name = "titan"

// template is Titan's conversation format.
var template = prompt.Transcript{User: "User", Assistant: "Bot"}

// Name is "titan".
func (Codec) Name() string { return name }

type request struct {
	InputText string  `json:"inputText"`
	Config    *config `json:"textGenerationConfig,omitempty"`
}

type config struct {
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	MaxTokenCount int      `json:"maxTokenCount,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

// EncodeRequest writes req as a Titan body.
func (Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
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
	body := request{InputText: template.Render(prompt.System(req), turns)}
	cfg := config{Temperature: req.Temperature, TopP: req.TopP, MaxTokenCount: req.MaxTokens, StopSequences: req.StopSequences}
	if cfg.Temperature != nil || cfg.TopP != nil || cfg.MaxTokenCount != 0 || len(cfg.StopSequences) > 0 {
		body.Config = &cfg
	}
	return prompt.JSON(body)
}

// DecodeRequest checks a Titan body as Bedrock does and reads the
// transcript back into messages; a prompt not in the transcript format
// becomes one user message.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	b.Allow("inputText", "textGenerationConfig")
	b.Require("inputText")
	text, ok := b.String("inputText")
	if ok && text == "" {
		b.Failf("expected minLength: 1, actual: 0")
	}
	req := &rockstream.Request{Model: modelID}
	if cfg := b.Object("textGenerationConfig"); cfg != nil {
		cfg.Allow("temperature", "topP", "maxTokenCount", "stopSequences")
		req.Temperature = cfg.Float("temperature", 0, 1)
		req.TopP = cfg.Float("topP", 0, 1)
		if n := cfg.Int("maxTokenCount", 0, 8192); n != nil {
			req.MaxTokens = *n
		}
		req.StopSequences = cfg.Strings("stopSequences", 10)
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	system, turns, ok := template.Parse(text)
	if !ok {
		turns = []prompt.Turn{{Role: rockstream.RoleUser, Text: text}}
	}
	if system != "" {
		req.System = []string{system}
	}
	req.Messages = prompt.Messages(turns)
	return req, nil
}

type response struct {
	InputTextTokenCount int      `json:"inputTextTokenCount"`
	Results             []result `json:"results"`
}

type result struct {
	TokenCount       int    `json:"tokenCount"`
	OutputText       string `json:"outputText"`
	CompletionReason string `json:"completionReason"`
}

// EncodeResponse writes resp as Titan's InvokeModel answer.
func (Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	if err := prompt.TextOnly(name, &rockstream.Request{Messages: []rockstream.Message{resp.Message}}); err != nil {
		return nil, err
	}
	return prompt.JSON(response{
		InputTextTokenCount: resp.Usage.InputTokens,
		Results: []result{{
			TokenCount:       resp.Usage.OutputTokens,
			OutputText:       rockstream.TextOf(resp.Message.Content),
			CompletionReason: completionReason(resp.StopReason),
		}},
	})
}

// DecodeResponse reads Titan's InvokeModel answer.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	if len(r.Results) == 0 {
		return nil, prompt.Decoded(name, errNoResults)
	}
	res := r.Results[0]
	return &rockstream.Response{
		Message:    rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: res.OutputText}}},
		StopReason: stopReason(res.CompletionReason),
		Usage:      rockstream.Usage{InputTokens: r.InputTextTokenCount, OutputTokens: res.TokenCount},
	}, nil
}
