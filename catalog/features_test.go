package catalog

import "testing"

func TestFeaturesOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want ModelFeatures
	}{
		{"anthropic.claude-3-sonnet-20240229-v1:0", ModelFeatures{}},
		{"anthropic.claude-3-haiku-20240307-v1:0", ModelFeatures{}},
		{"anthropic.claude-3-5-sonnet-20241022-v2:0", ModelFeatures{}},
		{"anthropic.claude-3-5-haiku-20241022-v1:0", ModelFeatures{Caching: true, MinCacheTokens: 2048}},
		{"anthropic.claude-3-7-sonnet-20250219-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 1024}},
		{"anthropic.claude-sonnet-4-20250514-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 1024}},
		{"anthropic.claude-opus-4-1-20250805-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 1024}},
		{"anthropic.claude-sonnet-4-5-20250929-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 1024}},
		{"anthropic.claude-haiku-4-5-20251001-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 4096}},
		{"anthropic.claude-opus-4-5-20251101-v1:0", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 4096}},
		{"anthropic.claude-sonnet-4-6", ModelFeatures{Thinking: true, Caching: true, MinCacheTokens: 2048}},
		{"anthropic.claude-v2:1", ModelFeatures{}},
		{"anthropic.claude-instant-v1", ModelFeatures{}},
		{"amazon.nova-pro-v1:0", ModelFeatures{Caching: true, MinCacheTokens: 1000}},
		{"amazon.titan-text-express-v1", ModelFeatures{}},
		{"meta.llama3-70b-instruct-v1:0", ModelFeatures{}},
	}
	for _, tt := range tests {
		if got := FeaturesOf(Model{ID: tt.id}); got != tt.want {
			t.Errorf("FeaturesOf(%s) = %+v, want %+v", tt.id, got, tt.want)
		}
	}
}

func FuzzClaudeVersion(f *testing.F) {
	for _, s := range []string{"anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-opus-4-1", "anthropic.claude-", "anthropic.claude-sonnet-sonnet"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		tier, major, minor, ok := claudeVersion(id)
		if ok && (tier == "" || major < 0 || minor < 0 || major > 99 || minor > 99) {
			t.Fatalf("claudeVersion(%q) = %q %d %d", id, tier, major, minor)
		}
	})
}
