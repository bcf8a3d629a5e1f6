// Package llama converts Meta Llama InvokeModel bodies and stream chunks
// to and from rockstream's neutral model. Llama takes one prompt: the
// conversation is written in the Llama 3 header-token template (Llama 4's
// spelling for llama4 models), with image tokens for the vision models'
// images. Tools, reasoning and top-k are not carried.
package llama

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// Codec is the Meta Llama family's codec.
type Codec struct{}

var _ dialect.Codec = Codec{}

const name = "llama"

// Name is "llama".
func (Codec) Name() string { return name }

type request struct {
	Prompt      string   `json:"prompt"`
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxGenLen   int      `json:"max_gen_len,omitempty"`
	Images      [][]byte `json:"images,omitempty"` // base64 in JSON
}

// EncodeRequest writes req as a Llama body in the template of req.Model.
func (Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, name); err != nil {
		return nil, err
	}
	if err := check(req); err != nil {
		return nil, err
	}
	text, images, raw := rawPrompt(req)
	if !raw {
		text, images = formatFor(req.Model).render(req.System, req.Messages)
	}
	return prompt.JSON(request{Prompt: text, Temperature: req.Temperature, TopP: req.TopP, MaxGenLen: req.MaxTokens, Images: images})
}

// rawPrompt returns the prompt and images of a request that is one user
// message of images and then text already written in a Llama template (the
// shape DecodeRequest gives a prompt it could not read as turns); it is
// sent unchanged rather than wrapped again.
func rawPrompt(req *rockstream.Request) (string, [][]byte, bool) {
	if len(req.System) > 0 || len(req.Messages) != 1 || req.Messages[0].Role != rockstream.RoleUser {
		return "", nil, false
	}
	content := req.Messages[0].Content
	if len(content) == 0 || content[len(content)-1].Type != rockstream.BlockText {
		return "", nil, false
	}
	var images [][]byte
	for _, b := range content[:len(content)-1] {
		if b.Type != rockstream.BlockImage || b.Image == nil {
			return "", nil, false
		}
		images = append(images, b.Image.Data)
	}
	text := content[len(content)-1].Text
	_, ok := detect(text)
	return text, images, ok
}

// check fails on what a Llama prompt cannot carry: anything but text and
// user images. Stop sequences have no Llama parameter either.
func check(req *rockstream.Request) error {
	if len(req.Messages) == 0 {
		return rockstream.Validationf("%s: the request has no messages", name)
	}
	if len(req.StopSequences) > 0 {
		return prompt.Unsupported(name, "stop sequences")
	}
	stripped := *req
	stripped.Messages = nil
	for _, m := range req.Messages {
		var keep []rockstream.Block
		for _, b := range m.Content {
			if b.Type == rockstream.BlockImage && m.Role == rockstream.RoleUser && b.Image != nil {
				continue
			}
			keep = append(keep, b)
		}
		stripped.Messages = append(stripped.Messages, rockstream.Message{Role: m.Role, Content: keep})
	}
	return prompt.TextOnly(name, &stripped)
}

// DecodeRequest checks a Llama body as Bedrock does and reads the prompt
// template back into messages; any other prompt becomes one user message.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	b.Allow("prompt", "temperature", "top_p", "max_gen_len", "images")
	b.Require("prompt")
	text, _ := b.String("prompt")
	req := &rockstream.Request{Model: modelID, Temperature: b.Float("temperature", 0, 1), TopP: b.Float("top_p", 0, 1)}
	if n := b.Int("max_gen_len", 1, 2048); n != nil {
		req.MaxTokens = *n
	}
	var images []*rockstream.Image
	for i, s := range b.Strings("images", 20) {
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			b.FailAt("images/"+strconv.Itoa(i), "is not valid base64")
			continue
		}
		images = append(images, &rockstream.Image{MediaType: http.DetectContentType(data), Data: data})
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	if f, ok := detect(text); ok {
		if p, ok := f.parse(text, images); ok && p.images == len(images) && len(p.msgs) > 0 {
			req.System, req.Messages = p.system, p.msgs
			return req, nil
		}
	}
	content := make([]rockstream.Block, 0, len(images)+1)
	for _, img := range images {
		content = append(content, rockstream.Block{Type: rockstream.BlockImage, Image: img})
	}
	req.Messages = []rockstream.Message{{Role: rockstream.RoleUser, Content: append(content, rockstream.Block{Type: rockstream.BlockText, Text: text})}}
	return req, nil
}

type response struct {
	Generation           string `json:"generation"`
	PromptTokenCount     int    `json:"prompt_token_count"`
	GenerationTokenCount int    `json:"generation_token_count"`
	StopReason           string `json:"stop_reason"`
}

// EncodeResponse writes resp as Llama's InvokeModel answer.
func (Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	if err := prompt.TextOnly(name, &rockstream.Request{Messages: []rockstream.Message{resp.Message}}); err != nil {
		return nil, err
	}
	return prompt.JSON(response{
		Generation:           rockstream.TextOf(resp.Message.Content),
		PromptTokenCount:     resp.Usage.InputTokens,
		GenerationTokenCount: resp.Usage.OutputTokens,
		StopReason:           wireStop(resp.StopReason),
	})
}

// DecodeResponse reads Llama's InvokeModel answer.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	return &rockstream.Response{
		Message:    rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: r.Generation}}},
		StopReason: stopReason(r.StopReason),
		Usage:      rockstream.Usage{InputTokens: r.PromptTokenCount, OutputTokens: r.GenerationTokenCount},
	}, nil
}

// stopReason maps Llama's stop_reason onto the neutral ones.
func stopReason(r string) rockstream.StopReason {
	if r == "length" {
		return rockstream.StopMaxTokens
	}
	return rockstream.StopEndTurn
}

// wireStop is Llama's spelling of r: "length" for a cut answer, else "stop".
func wireStop(r rockstream.StopReason) string {
	if r == rockstream.StopMaxTokens {
		return "length"
	}
	return "stop"
}
