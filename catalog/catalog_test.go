package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id     string
		want   string // model ID, "" when not found
		family string
	}{
		{"anthropic.claude-3-sonnet-20240229-v1:0", "anthropic.claude-3-sonnet-20240229-v1:0", "anthropic"},
		{"us.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic"},
		{"global.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"},
		{"eu.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0", "nova"},
		{"arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0", "meta.llama3-8b-instruct-v1:0", "llama"},
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-70b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0", "llama"},
		{"mistral.mistral-large-2402-v1:0", "mistral.mistral-large-2402-v1:0", "mistral"},
		{"cohere.command-r-plus-v1:0", "cohere.command-r-plus-v1:0", "cohere"},
		{"amazon.titan-text-lite-v1", "amazon.titan-text-lite-v1", "titan"},
		{"anthropic.claude-instant-v1", "anthropic.claude-instant-v1", "anthropic"},
		// Not found.
		{"eu.anthropic.claude-3-5-haiku-20241022-v1:0", "", ""}, // no EU profile
		{"us.amazon.titan-text-express-v1", "", ""},
		{"xx.anthropic.claude-3-haiku-20240307-v1:0", "", ""},
		{"anthropic.claude-9", "", ""},
		{"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123", "", ""},
		{"arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-haiku-20240307-v1:0", "", ""},
		{"arn:aws:s3:::bucket/key", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, ok := Lookup(tt.id)
			if ok != (tt.want != "") || m.ID != tt.want || m.Family != tt.family {
				t.Fatalf("Lookup(%q) = %q/%q, %v; want %q/%q", tt.id, m.ID, m.Family, ok, tt.want, tt.family)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		code string // "" for success
		msg  string
	}{
		{DefaultModel, "", ""},
		{"us.anthropic.claude-3-7-sonnet-20250219-v1:0", "", ""},
		{"anthropic.claude-3-7-sonnet-20250219-v1:0", "ValidationException",
			"Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."},
		{"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0", "ValidationException",
			"Invocation of model ID anthropic.claude-3-5-haiku-20241022-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."},
		{"anthropic.claude-instant-v1", "ResourceNotFoundException",
			"This model version has reached the end of its life. Please refer to the AWS documentation for more details."},
		{"nope", "ValidationException", "The provided model identifier is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			_, err := Resolve(tt.id)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Resolve(%q) = %v", tt.id, err)
				}
				return
			}
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Message != tt.msg {
				t.Fatalf("Resolve(%q) = %v; want %s: %s", tt.id, err, tt.code, tt.msg)
			}
		})
	}
}

func TestRequiredModels(t *testing.T) {
	t.Parallel()
	profileOnly := map[string]bool{
		"anthropic.claude-3-5-sonnet-20241022-v2:0": true,
		"anthropic.claude-3-5-haiku-20241022-v1:0":  true,
		"anthropic.claude-3-7-sonnet-20250219-v1:0": true,
		"anthropic.claude-sonnet-4-20250514-v1:0":   true,
		"anthropic.claude-sonnet-4-5-20250929-v1:0": true,
		"anthropic.claude-haiku-4-5-20251001-v1:0":  true,
		"anthropic.claude-opus-4-1-20250805-v1:0":   true,
		"anthropic.claude-opus-4-5-20251101-v1:0":   true,
		"anthropic.claude-opus-4-6-v1":              true,
		"anthropic.claude-sonnet-4-6":               true,
		"meta.llama3-1-70b-instruct-v1:0":           true,
		"meta.llama4-scout-17b-instruct-v1:0":       true,
		"meta.llama4-maverick-17b-instruct-v1:0":    true,
		"deepseek.r1-v1:0":                          true,
		"amazon.nova-2-lite-v1:0":                   true,
	}
	required := []string{
		"anthropic.claude-3-sonnet-20240229-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
		"anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-5-sonnet-20241022-v2:0",
		"anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0",
		"anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-instant-v1",
		"anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0",
		"anthropic.claude-opus-4-1-20250805-v1:0", "anthropic.claude-opus-4-5-20251101-v1:0",
		"anthropic.claude-opus-4-6-v1", "anthropic.claude-sonnet-4-6",
		"amazon.titan-text-express-v1", "amazon.titan-text-lite-v1", "amazon.nova-micro-v1:0",
		"amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-2-lite-v1:0", "meta.llama3-8b-instruct-v1:0",
		"meta.llama3-70b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0",
		"meta.llama4-scout-17b-instruct-v1:0", "meta.llama4-maverick-17b-instruct-v1:0",
		"mistral.mistral-7b-instruct-v0:2", "mistral.mixtral-8x7b-instruct-v0:1",
		"mistral.mistral-large-2402-v1:0", "cohere.command-text-v14", "cohere.command-r-v1:0",
		"cohere.command-r-plus-v1:0", "deepseek.r1-v1:0", "deepseek.v3-v1:0",
		"openai.gpt-oss-20b-1:0", "openai.gpt-oss-120b-1:0", "qwen.qwen3-32b-v1:0",
	}
	for _, id := range required {
		m, ok := Lookup(id)
		if !ok {
			t.Errorf("%s missing", id)
			continue
		}
		if m.OnDemand == profileOnly[id] {
			t.Errorf("%s: OnDemand = %v", id, m.OnDemand)
		}
	}
	codecs := map[string]bool{"anthropic": true, "titan": true, "nova": true, "llama": true, "mistral": true,
		"cohere": true, "gptoss": true, "deepseek": true, "qwen": true}
	for _, m := range Models() {
		provider := strings.SplitN(m.ID, ".", 2)[0]
		if !codecs[m.Family] && m.Family != provider {
			t.Errorf("%s: family %q is neither a codec nor the provider's name", m.ID, m.Family)
		}
		if m.Name == "" || m.Provider == "" || len(m.InputModalities) == 0 || len(m.OutputModalities) == 0 ||
			m.ContextWindow <= 0 || m.MaxOutputTokens <= 0 || m.MaxOutputTokens > m.ContextWindow {
			t.Errorf("incomplete model %+v", m)
		}
		if !m.OnDemand && len(m.Geographies) == 0 {
			t.Errorf("%s is profile-only but no profile carries it", m.ID)
		}
		if !strings.HasPrefix(m.ID, strings.ToLower(strings.Fields(m.Provider)[0])+".") {
			t.Errorf("%s: provider %q does not match ID", m.ID, m.Provider)
		}
		if m.Fallback {
			t.Errorf("%s: listed model marked as a fallback", m.ID)
		}
	}
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region, model, wantID string
	}{
		{"us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"},
		{"eu-west-1", "anthropic.claude-3-7-sonnet-20250219-v1:0", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"},
		{"ap-northeast-1", "amazon.nova-lite-v1:0", "apac.amazon.nova-lite-v1:0"},
		{"sa-east-1", "anthropic.claude-sonnet-4-20250514-v1:0", "global.anthropic.claude-sonnet-4-20250514-v1:0"},
		{"us-east-1", "us.anthropic.claude-sonnet-4-20250514-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0"},
		{"eu-west-1", "anthropic.claude-3-5-haiku-20241022-v1:0", ""},
		{"us-east-1", "amazon.titan-text-express-v1", ""},
		{"us-east-1", "anthropic.claude-instant-v1", ""},
	}
	for _, tt := range tests {
		p, ok := ProfileFor(tt.model, tt.region)
		if ok != (tt.wantID != "") || p.ID != tt.wantID {
			t.Errorf("ProfileFor(%s, %s) = %q, %v; want %q", tt.model, tt.region, p.ID, ok, tt.wantID)
			continue
		}
		if !ok {
			continue
		}
		if p.ARN != "arn:aws:bedrock:"+tt.region+":"+AccountID+":inference-profile/"+p.ID || len(p.ModelARNs) == 0 {
			t.Errorf("profile %+v", p)
		}
		if m, ok := Lookup(p.ARN); !ok || m.ID != p.ModelID {
			t.Errorf("Lookup(%s) = %q, %v", p.ARN, m.ID, ok)
		}
	}

	us := Profiles("us-west-2")
	seen := map[string]bool{}
	for _, p := range us {
		if !strings.HasPrefix(p.ID, "us.") && !strings.HasPrefix(p.ID, "global.") {
			t.Errorf("us-west-2 lists %s", p.ID)
		}
		if seen[p.ID] {
			t.Errorf("duplicate %s", p.ID)
		}
		seen[p.ID] = true
		if _, err := Resolve(p.ID); err != nil {
			t.Errorf("Resolve(%s) = %v", p.ID, err)
		}
	}
	if !seen["us.anthropic.claude-3-5-haiku-20241022-v1:0"] || !seen["global.anthropic.claude-sonnet-4-20250514-v1:0"] {
		t.Errorf("us-west-2 profiles lack expected IDs: %v", seen)
	}
	// GovCloud is its own partition: global profiles route only among
	// commercial regions.
	for _, p := range Profiles("us-gov-west-1") {
		if strings.HasPrefix(p.ID, "global.") {
			t.Errorf("us-gov-west-1 lists %s", p.ID)
		}
	}
	// Canada's regions call the US profiles.
	if p, ok := ProfileFor("anthropic.claude-3-7-sonnet-20250219-v1:0", "ca-central-1"); !ok || p.ID != "us.anthropic.claude-3-7-sonnet-20250219-v1:0" {
		t.Errorf("ProfileFor in ca-central-1 = %q, %v", p.ID, ok)
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{DefaultModel, "us." + DefaultModel, "arn:aws:bedrock:us-east-1::foundation-model/x", "arn:aws:bedrock:r:a:inference-profile/", "arn:", "a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		m, ok := Lookup(id)
		if ok != (m.ID != "") {
			t.Fatalf("Lookup(%q) = %+v, %v", id, m, ok)
		}
		_, err := Resolve(id)
		if !ok && err == nil || ok && m.Lifecycle != EOL && m.OnDemand && err != nil {
			t.Fatalf("Resolve(%q) = %v but Lookup ok=%v", id, err, ok)
		}
	})
}
