package catalog

import (
	"slices"
	"testing"
)

func TestCallable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		region      string
		has, hasNot []string
	}{
		{"us-east-1",
			[]string{"us.anthropic.claude-3-5-haiku-20241022-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
				"us.anthropic.claude-sonnet-4-20250514-v1:0", "us.meta.llama3-1-70b-instruct-v1:0", "amazon.nova-pro-v1:0"},
			[]string{"anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0",
				"anthropic.claude-instant-v1", "anthropic.claude-v2", "anthropic.claude-v2:1"}},
		{"ca-central-1",
			[]string{"us.anthropic.claude-3-7-sonnet-20250219-v1:0"},
			[]string{"anthropic.claude-3-7-sonnet-20250219-v1:0"}},
		{"eu-west-1",
			[]string{"eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "eu.anthropic.claude-sonnet-4-20250514-v1:0"},
			// Claude 3.5 Haiku has only a US profile.
			[]string{"us.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"}},
		{"sa-east-1",
			[]string{"global.anthropic.claude-sonnet-4-20250514-v1:0"},
			[]string{"anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0"}},
	} {
		t.Run(tt.region, func(t *testing.T) {
			t.Parallel()
			ids := Callable(tt.region)
			if len(ids) == 0 || ids[0] != DefaultModel {
				t.Fatalf("Callable(%s) does not start with %s: %q", tt.region, DefaultModel, ids)
			}
			for _, id := range tt.has {
				if !slices.Contains(ids, id) {
					t.Errorf("missing %s", id)
				}
			}
			for _, id := range tt.hasNot {
				if slices.Contains(ids, id) {
					t.Errorf("offers %s", id)
				}
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("%s listed twice", id)
				}
				seen[id] = true
				if _, err := Resolve(id); err != nil {
					t.Errorf("offers %s, which Resolve refuses: %v", id, err)
				}
			}
		})
	}
}
