package catalog

import (
	"errors"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id, model, family string // model "" when no fallback
	}{
		{"anthropic.claude-opus-9-20300101-v1:0", "anthropic.claude-opus-9-20300101-v1:0", "anthropic"},
		{"global.anthropic.claude-opus-9-20300101-v1:0", "anthropic.claude-opus-9-20300101-v1:0", "anthropic"},
		{"arn:aws:bedrock:us-east-1::foundation-model/meta.llama5-400b-instruct-v1:0", "meta.llama5-400b-instruct-v1:0", "llama"},
		{"openai.gpt-oss-999b-1:0", "openai.gpt-oss-999b-1:0", "gptoss"},
		{"amazon.nova-3-lite-v1:0", "amazon.nova-3-lite-v1:0", "nova"},
		{"twelvelabs.pegasus-9-v1:0", "twelvelabs.pegasus-9-v1:0", "twelvelabs"}, // known provider, no family row
		// No fallback: listed models, unknown providers, IDs that name no model.
		{"anthropic.claude-3-haiku-20240307-v1:0", "", ""},
		{"eu.anthropic.claude-3-5-haiku-20241022-v1:0", "", ""}, // listed, through a profile it lacks
		{"nosuch.model-v1:0", "", ""},
		{"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc", "", ""},
		{"anthropic", "", ""},
		{"", "", ""},
	}
	strict := Embedded().Strict()
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, ok := Embedded().Fallback(tt.id)
			if ok != (tt.model != "") || m.ID != tt.model || m.Family != tt.family || ok && !m.Fallback {
				t.Fatalf("Fallback(%q) = %+v, %v; want %q as %q", tt.id, m, ok, tt.model, tt.family)
			}
			if tt.model == "" {
				return
			}
			if r, err := Embedded().Resolve(tt.id); err != nil || !r.Fallback || r.Family != tt.family {
				t.Errorf("Resolve(%q) = %+v, %v", tt.id, r, err)
			}
			var e *rockstream.Error
			if _, err := strict.Resolve(tt.id); !errors.As(err, &e) || e.Code != "ValidationException" || e.Message != msgInvalidModel {
				t.Errorf("strict Resolve(%q) = %v; want ValidationException: %s", tt.id, err, msgInvalidModel)
			}
			if _, ok := Embedded().Lookup(tt.id); ok {
				t.Errorf("Lookup(%q) found a model the list has never seen", tt.id)
			}
		})
	}
	if !strict.IsStrict() || Embedded().IsStrict() {
		t.Error("Strict changed its receiver or did not take")
	}
	// Strictness leaves listed models alone.
	if _, err := strict.Resolve(DefaultModel); err != nil {
		t.Errorf("strict Resolve(%s) = %v", DefaultModel, err)
	}
}

func TestExemplar(t *testing.T) {
	t.Parallel()
	for _, family := range []string{"anthropic", "titan", "nova", "llama", "mistral", "cohere", "gptoss", "deepseek", "qwen"} {
		id, ok := Embedded().Exemplar(family)
		m, found := Embedded().Lookup(id)
		if !ok || !found || m.Family != family {
			t.Errorf("Exemplar(%s) = %q, %v", family, id, ok)
		}
	}
	if id, ok := Embedded().Exemplar("nosuch"); ok {
		t.Errorf("Exemplar(nosuch) = %q", id)
	}
}

func TestInstall(t *testing.T) {
	// Not parallel: it swaps the package's current catalog.
	f, err := ParseFile([]byte(`{"models":[{"id":"acme.rocket-1","maxOutputTokens":77}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := MaxOutputTokens("acme.rocket-1"); ok {
		t.Fatal("embedded catalog lists acme.rocket-1")
	}
	restore := Install(Embedded().With(f).Strict())
	n, ok := MaxOutputTokens("acme.rocket-1")
	_, strictErr := Resolve("anthropic.claude-opus-9-20300101-v1:0")
	restore()
	if !ok || n != 77 || strictErr == nil {
		t.Errorf("installed catalog: MaxOutputTokens = %d, %v; strict Resolve error %v", n, ok, strictErr)
	}
	if Current() != Embedded() {
		t.Error("restore did not put the embedded catalog back")
	}
}
