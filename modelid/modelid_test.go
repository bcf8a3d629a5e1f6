package modelid

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ID // Raw is filled in from in
	}{
		{"anthropic.claude-3-sonnet-20240229-v1:0", ID{Kind: FoundationModel,
			Model: "anthropic.claude-3-sonnet-20240229-v1:0", Provider: "anthropic", Name: "claude-3-sonnet-20240229", Version: "v1:0"}},
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", ID{Kind: InferenceProfile, Geography: "us",
			Model: "anthropic.claude-sonnet-4-5-20250929-v1:0", Provider: "anthropic", Name: "claude-sonnet-4-5-20250929", Version: "v1:0"}},
		{"global.anthropic.claude-haiku-4-5-20251001-v1:0", ID{Kind: InferenceProfile, Geography: "global",
			Model: "anthropic.claude-haiku-4-5-20251001-v1:0", Provider: "anthropic", Name: "claude-haiku-4-5-20251001", Version: "v1:0"}},
		{"us-gov.anthropic.claude-3-haiku-20240307-v1:0", ID{Kind: InferenceProfile, Geography: "us-gov",
			Model: "anthropic.claude-3-haiku-20240307-v1:0", Provider: "anthropic", Name: "claude-3-haiku-20240307", Version: "v1:0"}},
		{"jp.anthropic.claude-sonnet-4-5-20250929-v1:0", ID{Kind: InferenceProfile, Geography: "jp",
			Model: "anthropic.claude-sonnet-4-5-20250929-v1:0", Provider: "anthropic", Name: "claude-sonnet-4-5-20250929", Version: "v1:0"}},
		{"au.anthropic.claude-haiku-4-5-20251001-v1:0", ID{Kind: InferenceProfile, Geography: "au",
			Model: "anthropic.claude-haiku-4-5-20251001-v1:0", Provider: "anthropic", Name: "claude-haiku-4-5-20251001", Version: "v1:0"}},
		{"apac.amazon.nova-micro-v1:0", ID{Kind: InferenceProfile, Geography: "apac",
			Model: "amazon.nova-micro-v1:0", Provider: "amazon", Name: "nova-micro", Version: "v1:0"}},
		{"meta.llama4-maverick-17b-instruct-v1:0", ID{Kind: FoundationModel,
			Model: "meta.llama4-maverick-17b-instruct-v1:0", Provider: "meta", Name: "llama4-maverick-17b-instruct", Version: "v1:0"}},
		{"openai.gpt-oss-120b-1:0", ID{Kind: FoundationModel,
			Model: "openai.gpt-oss-120b-1:0", Provider: "openai", Name: "gpt-oss-120b", Version: "1:0"}},
		{"deepseek.r1-v1:0", ID{Kind: FoundationModel, Model: "deepseek.r1-v1:0", Provider: "deepseek", Name: "r1", Version: "v1:0"}},
		{"qwen.qwen3-32b-v1:0", ID{Kind: FoundationModel, Model: "qwen.qwen3-32b-v1:0", Provider: "qwen", Name: "qwen3-32b", Version: "v1:0"}},
		{"anthropic.claude-sonnet-4-6", ID{Kind: FoundationModel,
			Model: "anthropic.claude-sonnet-4-6", Provider: "anthropic", Name: "claude-sonnet-4-6"}},
		{"moonshot.kimi-k2-thinking", ID{Kind: FoundationModel, Model: "moonshot.kimi-k2-thinking", Provider: "moonshot", Name: "kimi-k2-thinking"}},
		{"amazon.titan-text-express-v1", ID{Kind: FoundationModel,
			Model: "amazon.titan-text-express-v1", Provider: "amazon", Name: "titan-text-express", Version: "v1"}},
		{"amazon.titan-tg1-large", ID{Kind: FoundationModel, Model: "amazon.titan-tg1-large", Provider: "amazon", Name: "titan-tg1-large"}},
		{"mistral.mistral-7b-instruct-v0:2", ID{Kind: FoundationModel,
			Model: "mistral.mistral-7b-instruct-v0:2", Provider: "mistral", Name: "mistral-7b-instruct", Version: "v0:2"}},
		{"anthropic.claude-v2:1", ID{Kind: FoundationModel, Model: "anthropic.claude-v2:1", Provider: "anthropic", Name: "claude", Version: "v2:1"}},
		{"anthropic.claude-3-haiku-20240307-v1:0:200k", ID{Kind: FoundationModel,
			Model: "anthropic.claude-3-haiku-20240307-v1:0:200k", Provider: "anthropic", Name: "claude-3-haiku-20240307", Version: "v1:0", Context: "200k"}},
		{"writer.palmyra-x5-v1:0", ID{Kind: FoundationModel, Model: "writer.palmyra-x5-v1:0", Provider: "writer", Name: "palmyra-x5", Version: "v1:0"}},
		{"twelvelabs.pegasus-1-2-v1:0", ID{Kind: FoundationModel,
			Model: "twelvelabs.pegasus-1-2-v1:0", Provider: "twelvelabs", Name: "pegasus-1-2", Version: "v1:0"}},
		{"stability.sd3-5-large-v1:0", ID{Kind: FoundationModel,
			Model: "stability.sd3-5-large-v1:0", Provider: "stability", Name: "sd3-5-large", Version: "v1:0"}},
		{"luma.ray-v2:0", ID{Kind: FoundationModel, Model: "luma.ray-v2:0", Provider: "luma", Name: "ray", Version: "v2:0"}},
		{"ai21.jamba-1-5-large-v1:0", ID{Kind: FoundationModel,
			Model: "ai21.jamba-1-5-large-v1:0", Provider: "ai21", Name: "jamba-1-5-large", Version: "v1:0"}},

		// ARNs.
		{"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", ID{Kind: FoundationModel,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Resource: "anthropic.claude-3-haiku-20240307-v1:0",
			Model: "anthropic.claude-3-haiku-20240307-v1:0", Provider: "anthropic", Name: "claude-3-haiku-20240307", Version: "v1:0"}},
		{"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0", ID{Kind: InferenceProfile,
			Partition: "aws", Service: "bedrock", Region: "us-west-2", Account: "123456789012",
			Resource: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Geography: "us",
			Model: "anthropic.claude-sonnet-4-5-20250929-v1:0", Provider: "anthropic", Name: "claude-sonnet-4-5-20250929", Version: "v1:0"}},
		{"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6", ID{Kind: ApplicationInferenceProfile,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "a1b2c3d4e5f6"}},
		{"arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:application-inference-profile/xyz987", ID{Kind: ApplicationInferenceProfile,
			Partition: "aws-us-gov", Service: "bedrock", Region: "us-gov-west-1", Account: "123456789012", Resource: "xyz987"}},
		{"arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456", ID{Kind: ProvisionedModel,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "abc123def456"}},
		{"arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456", ID{Kind: CustomModel,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012",
			Resource: "amazon.titan-text-express-v1:0:8k/abcdef123456",
			Model:    "amazon.titan-text-express-v1:0:8k", Provider: "amazon", Name: "titan-text-express", Version: "v1:0", Context: "8k"}},
		{"arn:aws:bedrock:us-east-1:123456789012:imported-model/k2j3h4g5f6d7", ID{Kind: ImportedModel,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "k2j3h4g5f6d7"}},
		{"arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12345:2", ID{Kind: Prompt,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "PROMPT12345:2"}},
		{"arn:aws:bedrock:us-east-1:123456789012:prompt-router/r1x2y3", ID{Kind: PromptRouter,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "r1x2y3"}},
		{"arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1", ID{Kind: DefaultPromptRouter,
			Partition: "aws", Service: "bedrock", Region: "us-east-1", Account: "123456789012", Resource: "anthropic.claude:1",
			Provider: "anthropic", Name: "claude", Version: "1"}},
		{"arn:aws:sagemaker:eu-central-1:123456789012:endpoint/my-endpoint", ID{Kind: SageMakerEndpoint,
			Partition: "aws", Service: "sagemaker", Region: "eu-central-1", Account: "123456789012", Resource: "my-endpoint"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = tt.in
			if got != tt.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"claude", ".claude", "anthropic.", "anthropic..claude", "anthropic.claude-v1:", "Anthropic.Claude",
		"anthropic.claude 3", "us.anthropic", "global.", "anthropic/claude",
		"arn:aws:bedrock:us-east-1::foundation-model", "arn:aws:bedrock:us-east-1::foundation-model/",
		"arn:aws:bedrock:us-east-1", "arn:aws:s3:::bucket/key", "arn:gcp:bedrock:us-east-1::foundation-model/a.b",
		"arn:aws:bedrock:us-east-1:1234:application-inference-profile/x",
		"arn:aws:bedrock:us-east-1::agent/ABC", "arn:aws:sagemaker:us-east-1:123456789012:model/m",
		"arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-haiku-20240307-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/anthropic.claude-3-haiku-20240307-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a b",
		strings.Repeat("a", MaxLen-2) + ".b-c",
	} {
		if id, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", in, id)
		}
	}
	if _, err := Parse(""); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(\"\") = %v, want ErrEmpty", err)
	}
	var pe *Error
	if _, err := Parse("arn:aws:s3:::bucket/key"); !errors.As(err, &pe) || !strings.Contains(pe.Error(), "s3") {
		t.Errorf("error %v does not name the service", err)
	}
}

// TestRegionGeographies pins the region → geography mapping, Canada
// included: its regions are sources of the US profiles.
func TestRegionGeographies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region string
		want   []string
	}{
		{"us-east-1", []string{"us", "global"}},
		{"us-west-2", []string{"us", "global"}},
		{"ca-central-1", []string{"us", "global"}},
		{"ca-west-1", []string{"us", "global"}},
		{"us-gov-west-1", []string{"us-gov"}},
		{"eu-west-3", []string{"eu", "global"}},
		{"ap-southeast-1", []string{"apac", "global"}},
		{"ap-northeast-1", []string{"apac", "jp", "global"}},
		{"ap-southeast-2", []string{"apac", "au", "global"}},
		{"sa-east-1", []string{"global"}},
		{"", []string{"global"}},
	}
	for _, tt := range tests {
		if got := RegionGeographies(tt.region); !slices.Equal(got, tt.want) {
			t.Errorf("RegionGeographies(%q) = %q, want %q", tt.region, got, tt.want)
		}
	}
}

func TestProfileID(t *testing.T) {
	t.Parallel()
	const m = "anthropic.claude-3-7-sonnet-20250219-v1:0"
	tests := []struct{ model, region, want string }{
		{m, "us-west-2", "us." + m},
		{m, "ca-central-1", "us." + m},
		{m, "eu-central-1", "eu." + m},
		{m, "ap-northeast-1", "apac." + m},
		{m, "us-gov-west-1", "us-gov." + m},
		{m, "sa-east-1", "global." + m},
		{"us." + m, "eu-west-1", "us." + m},
		{"arn:aws:bedrock:us-east-1::foundation-model/" + m, "us-east-1", "arn:aws:bedrock:us-east-1::foundation-model/" + m},
		{"not a model", "us-east-1", "not a model"},
	}
	for _, tt := range tests {
		got := ProfileID(tt.model, tt.region)
		if got != tt.want {
			t.Errorf("ProfileID(%q, %q) = %q, want %q", tt.model, tt.region, got, tt.want)
		}
		if got == tt.model {
			continue
		}
		if id, err := Parse(got); err != nil || id.Kind != InferenceProfile {
			t.Errorf("ProfileID(%q, %q) = %q, which parses as %+v, %v", tt.model, tt.region, got, id, err)
		}
	}
}

// TestGeographiesData checks the table: unique prefixes, every region a
// geography's callers use maps back to it, and "ca" stays unreachable.
func TestGeographiesData(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, g := range Geographies() {
		if seen[g.Prefix] || g.Name == "" || !isWord(g.Prefix) {
			t.Errorf("bad or repeated geography %+v", g)
		}
		seen[g.Prefix] = true
		for _, d := range g.Destinations {
			if d != "" && !slices.Contains(RegionGeographies(d), g.Prefix) {
				t.Errorf("%s: destination %s is not one of its sources", g.Prefix, d)
			}
		}
	}
	for _, want := range []string{"us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"} {
		if !seen[want] {
			t.Errorf("geography %q missing", want)
		}
	}
	if g, ok := GeographyOf("global"); !ok || g.Name != "Global" {
		t.Errorf("GeographyOf(global) = %+v, %v", g, ok)
	}
}

func TestKnownProvider(t *testing.T) {
	t.Parallel()
	if !slices.IsSorted(providers) {
		t.Fatal("providers must stay sorted for the binary search")
	}
	for _, p := range []string{"anthropic", "amazon", "meta", "mistral", "cohere", "ai21", "deepseek", "openai", "qwen", "writer", "twelvelabs", "stability", "luma"} {
		if !KnownProvider(p) {
			t.Errorf("%s unknown", p)
		}
	}
	for _, p := range []string{"us", "global", "acme", ""} {
		if KnownProvider(p) {
			t.Errorf("%q known", p)
		}
	}
}
