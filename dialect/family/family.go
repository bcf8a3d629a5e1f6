// Package family picks the InvokeModel codec for a Bedrock model from its
// ID, inference-profile ID or ARN.
package family

import (
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/cohere"
	"github.com/rockstream/rockstream/dialect/deepseek"
	"github.com/rockstream/rockstream/dialect/gptoss"
	"github.com/rockstream/rockstream/dialect/llama"
	"github.com/rockstream/rockstream/dialect/mistral"
	"github.com/rockstream/rockstream/dialect/nova"
	"github.com/rockstream/rockstream/dialect/qwen"
	"github.com/rockstream/rockstream/dialect/titan"
	"github.com/rockstream/rockstream/modelid"
)

// entry maps a base model ID prefix to its family's codec.
type entry struct {
	prefix string
	codec  func(base string) dialect.Codec
}

func fixed(c dialect.Codec) func(string) dialect.Codec {
	return func(string) dialect.Codec { return c }
}

// families is searched in order; the first prefix that matches wins.
var families = []entry{
	{"anthropic.claude", fixed(anthropic.Codec{})},
	{"amazon.titan-text-", fixed(titan.Codec{})},
	{"amazon.titan-tg1-", fixed(titan.Codec{})},
	{"amazon.nova-canvas", nil}, // image and speech models have no text codec
	{"amazon.nova-reel", nil},
	{"amazon.nova-sonic", nil},
	{"amazon.nova-2-sonic", nil},
	{"amazon.nova-", fixed(nova.Codec{})},
	{"meta.llama", fixed(llama.Codec{})},
	{"mistral.", fixed(mistral.Codec{})},
	{"cohere.command", func(base string) dialect.Codec { return cohere.Codec{Chat: cohere.IsChatModel(base)} }},
	{"openai.gpt-oss", fixed(gptoss.New())},
	{"deepseek.", func(base string) dialect.Codec { return deepseek.Codec{Chat: deepseek.IsChatModel(base)} }},
	{"qwen.qwen3", fixed(qwen.New())},
}

// Known is the names of the families ForModel can return, for messages.
var Known = []string{"anthropic", "titan", "nova", "llama", "mistral", "cohere", "gptoss", "deepseek", "qwen"}

// ForModel returns the codec for modelID. Unknown families fail with a
// validation error that names the known ones.
func ForModel(modelID string) (dialect.Codec, error) {
	base := baseModel(modelID)
	for _, e := range families {
		if base != "" && strings.HasPrefix(base, e.prefix) {
			if e.codec == nil {
				break
			}
			return e.codec(base), nil
		}
	}
	return nil, rockstream.Validationf("no InvokeModel codec for model %q: rockstream knows the %s families",
		modelID, strings.Join(Known, ", "))
}

// ForRequest is ForModel refined by the request body, for the local
// runtime: a Mistral or DeepSeek body in the chat form ("messages") gets a
// codec that answers in the chat form, and a Cohere body with "message"
// one that answers in the Command R form.
func ForRequest(modelID string, body []byte) (dialect.Codec, error) {
	c, err := ForModel(modelID)
	if err != nil {
		return nil, err
	}
	switch c.(type) {
	case mistral.Codec:
		return mistral.Codec{Chat: mistral.IsChat(body)}, nil
	case cohere.Codec:
		return cohere.Codec{Chat: cohere.IsChatModel(baseModel(modelID)) || cohere.IsChatBody(body)}, nil
	case deepseek.Codec:
		return deepseek.Codec{Chat: deepseek.IsChat(body)}, nil
	}
	return c, nil
}

// baseModel is the model ID whose family speaks for modelID: the
// foundation model it names or routes to (a profile's, a custom model's
// base), or a default prompt router's "provider.name" ("anthropic.claude").
// It is empty when the identifier does not say, or does not parse.
func baseModel(modelID string) string {
	id, err := modelid.Parse(modelID)
	switch {
	case err != nil:
		return ""
	case id.Model != "":
		return id.Model
	case id.Kind == modelid.DefaultPromptRouter && id.Provider != "":
		return id.Provider + "." + id.Name
	}
	return ""
}
