package family

import (
	"errors"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/cohere"
	"github.com/rockstream/rockstream/dialect/deepseek"
	"github.com/rockstream/rockstream/dialect/mistral"
)

func TestForModel(t *testing.T) {
	for _, tc := range []struct{ id, family string }{
		{"anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic"},
		{"us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"},
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"},
		{"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", "anthropic"},
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"},
		{"amazon.titan-text-express-v1", "titan"},
		{"amazon.titan-text-premier-v1:0", "titan"},
		{"amazon.titan-tg1-large", "titan"},
		{"amazon.nova-lite-v1:0", "nova"},
		{"eu.amazon.nova-pro-v1:0", "nova"},
		{"apac.amazon.nova-micro-v1:0", "nova"},
		{"us.amazon.nova-premier-v1:0", "nova"},
		{"meta.llama3-8b-instruct-v1:0", "llama"},
		{"us.meta.llama3-3-70b-instruct-v1:0", "llama"},
		{"us-gov.meta.llama3-8b-instruct-v1:0", "llama"},
		{"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama4-scout-17b-instruct-v1:0", "llama"},
		{"mistral.mistral-7b-instruct-v0:2", "mistral"},
		{"mistral.mistral-large-2407-v1:0", "mistral"},
		{"cohere.command-text-v14", "cohere"},
		{"cohere.command-r-plus-v1:0", "cohere"},
		{"jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"},
		{"au.amazon.nova-lite-v1:0", "nova"},
		{"ca.meta.llama3-8b-instruct-v1:0", "llama"},
		{"arn:aws:bedrock:eu-west-1::foundation-model/mistral.mistral-large-2402-v1:0", "mistral"},
		{"arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.meta.llama3-8b-instruct-v1:0", "llama"},
		{"arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456", "titan"},
		{"arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1", "anthropic"},
		{"arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/meta.llama:1", "llama"},
		{"openai.gpt-oss-20b-1:0", "gptoss"},
		{"openai.gpt-oss-120b-1:0", "gptoss"},
		{"us.openai.gpt-oss-120b-1:0", "gptoss"},
		{"deepseek.r1-v1:0", "deepseek"},
		{"us.deepseek.r1-v1:0", "deepseek"},
		{"deepseek.v3-v1:0", "deepseek"},
		{"qwen.qwen3-32b-v1:0", "qwen"},
		{"qwen.qwen3-coder-480b-a35b-v1:0", "qwen"},
		{"qwen.qwen3-235b-a22b-2507-v1:0", "qwen"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			c, err := ForModel(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name() != tc.family {
				t.Errorf("family = %s, want %s", c.Name(), tc.family)
			}
		})
	}
}

func TestForModelUnknown(t *testing.T) {
	for _, id := range []string{
		"", "ai21.jamba-1-5-large-v1:0", "amazon.titan-embed-text-v2:0", "amazon.nova-canvas-v1:0", "amazon.nova-sonic-v1:0",
		"cohere.embed-english-v3", "stability.sd3-large-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
		"arn:aws:bedrock:us-east-1:123456789012:prompt-router/r1x2y3", "user.custom", "not a model",
		"arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-haiku-20240307-v1:0",
	} {
		t.Run(id, func(t *testing.T) {
			_, err := ForModel(id)
			var re *rockstream.Error
			if !errors.As(err, &re) || re.Class != rockstream.ClassValidation {
				t.Fatalf("err = %v, want a validation *rockstream.Error", err)
			}
			for _, f := range Known {
				if !strings.Contains(re.Message, f) {
					t.Errorf("message %q does not name %s", re.Message, f)
				}
			}
		})
	}
}

func TestForRequest(t *testing.T) {
	for _, tc := range []struct {
		id, body string
		chat     bool
	}{
		{"mistral.mistral-large-2407-v1:0", `{"messages":[{"role":"user","content":"hi"}]}`, true},
		{"mistral.mistral-large-2407-v1:0", `{"prompt":"<s>[INST] hi [/INST]"}`, false},
		{"cohere.command-r-v1:0", `{"message":"hi"}`, true},
		{"cohere.command-text-v14", `{"prompt":"hi"}`, false},
		{"us.deepseek.r1-v1:0", `{"prompt":"hi"}`, false},
		{"deepseek.v3-v1:0", `{"messages":[{"role":"user","content":"hi"}]}`, true},
	} {
		c, err := ForRequest(tc.id, []byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		var chat bool
		switch c := c.(type) {
		case mistral.Codec:
			chat = c.Chat
		case cohere.Codec:
			chat = c.Chat
		case deepseek.Codec:
			chat = c.Chat
		}
		if chat != tc.chat {
			t.Errorf("ForRequest(%s, %s) chat = %v, want %v", tc.id, tc.body, chat, tc.chat)
		}
	}
	for id, chat := range map[string]bool{"deepseek.r1-v1:0": false, "deepseek.v3-v1:0": true, "us.deepseek.v3-v1:0": true} {
		if c, err := ForModel(id); err != nil || c.(deepseek.Codec).Chat != chat {
			t.Errorf("ForModel(%s) = %#v %v, want chat %v", id, c, err, chat)
		}
	}
	if c, err := ForRequest("amazon.nova-lite-v1:0", nil); err != nil || c.Name() != "nova" {
		t.Errorf("nova: %v %v", c, err)
	}
}
