package modelid

import (
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that what it accepts is
// consistent: the model's parts put back together give the model ID, a
// profile's ID parses to the same model, and ProfileID of a bare
// foundation model parses as a profile.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"anthropic.claude-3-sonnet-20240229-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
		"global.anthropic.claude-haiku-4-5-20251001-v1:0", "openai.gpt-oss-120b-1:0", "anthropic.claude-v2:1",
		"amazon.titan-text-express-v1:0:8k", "anthropic.claude-sonnet-4-6",
		"arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0",
		"arn:aws:bedrock:us-west-2:123456789012:inference-profile/eu.amazon.nova-pro-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
		"arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456",
		"arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1",
		"arn:aws:sagemaker:eu-central-1:123456789012:endpoint/e", "arn:aws:s3:::b/k", "", "a.b", "us.a.b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			if id != (ID{}) {
				t.Fatalf("Parse(%q) failed with a non-zero ID %+v", s, id)
			}
			return
		}
		if id.Raw != s {
			t.Fatalf("Raw = %q, want %q", id.Raw, s)
		}
		if id.Model != "" {
			joined := id.Provider + "." + id.Name
			if id.Version != "" {
				joined += "-" + id.Version
			}
			if id.Context != "" {
				joined += ":" + id.Context
			}
			if joined != id.Model {
				t.Fatalf("Parse(%q): parts %+v join to %q, not %q", s, id, joined, id.Model)
			}
			if !strings.Contains(s, id.Model) {
				t.Fatalf("Parse(%q): model %q is not in the input", s, id.Model)
			}
		}
		switch id.Kind {
		case InferenceProfile:
			p, err := Parse(id.ProfileID())
			if err != nil || p.Model != id.Model || p.Geography != id.Geography {
				t.Fatalf("profile %q of %q parses as %+v, %v", id.ProfileID(), s, p, err)
			}
		case FoundationModel:
			if id.Model == "" || id.Geography != "" {
				t.Fatalf("Parse(%q): foundation model without a model or with a geography: %+v", s, id)
			}
			if !id.IsARN() {
				p, err := Parse(ProfileID(s, "eu-west-1"))
				if err != nil || p.Kind != InferenceProfile || p.Model != id.Model {
					t.Fatalf("ProfileID(%q) parses as %+v, %v", s, p, err)
				}
			}
		}
	})
}
