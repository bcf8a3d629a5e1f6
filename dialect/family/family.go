// Package family picks the InvokeModel codec for a Bedrock model from its
// ID, inference-profile ID or ARN.
package family

import (
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/cohere"
	"github.com/rockstream/rockstream/dialect/llama"
	"github.com/rockstream/rockstream/dialect/mistral"
	"github.com/rockstream/rockstream/dialect/nova"
	"github.com/rockstream/rockstream/dialect/titan"
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
}

// Known is the names of the families ForModel can return, for messages.
var Known = []string{"anthropic", "titan", "nova", "llama", "mistral", "cohere"}

// ForModel returns the codec for modelID. Unknown families fail with a
// validation error that names the known ones.
func ForModel(modelID string) (dialect.Codec, error) {
	base := BaseModelID(modelID)
	for _, e := range families {
		if strings.HasPrefix(base, e.prefix) {
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
// runtime: a Mistral body in the chat form ("messages") gets a codec that
// answers in the chat form, and a Cohere body with "message" one that
// answers in the Command R form.
func ForRequest(modelID string, body []byte) (dialect.Codec, error) {
	c, err := ForModel(modelID)
	if err != nil {
		return nil, err
	}
	switch c.(type) {
	case mistral.Codec:
		return mistral.Codec{Chat: mistral.IsChat(body)}, nil
	case cohere.Codec:
		return cohere.Codec{Chat: cohere.IsChatModel(BaseModelID(modelID)) || cohere.IsChatBody(body)}, nil
	}
	return c, nil
}

// ProfilePrefixes are the geography prefixes of cross-region inference
// profile IDs.
var ProfilePrefixes = []string{"us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."}

// BaseModelID strips an ARN down to its resource ID and an inference
// profile's geography prefix, leaving the foundation model ID:
// "us.anthropic.claude-3-5-haiku-20241022-v1:0" →
// "anthropic.claude-3-5-haiku-20241022-v1:0".
func BaseModelID(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if i := strings.LastIndexByte(id, '/'); i >= 0 {
			id = id[i+1:]
		}
	}
	for _, p := range ProfilePrefixes {
		if strings.HasPrefix(id, p) {
			return id[len(p):]
		}
	}
	return id
}
