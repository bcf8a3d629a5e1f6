package builtin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestRefusesWhatItWouldIgnore(t *testing.T) {
	t.Parallel()
	b := New(Options{Pace: &Pace{}})
	tests := []struct {
		name    string
		edit    func(*rockstream.Request)
		feature rockstream.Feature
		field   string
	}{
		{"response format", func(r *rockstream.Request) { r.ResponseFormat = &rockstream.ResponseFormat{Type: "json_object"} },
			rockstream.FeatureResponseFormat, "response_format"},
		{"unknown extra field", func(r *rockstream.Request) {
			r.ExtraFields = map[string]json.RawMessage{"reasoning_config": json.RawMessage(`{}`)}
		}, rockstream.FeatureExtraFields, `"reasoning_config"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := storyRequest()
			tt.edit(req)
			evs, err := collect(t, context.Background(), b, req)
			var fe *rockstream.FeatureError
			if len(evs) != 0 || !errors.As(err, &fe) || fe.Feature != tt.feature || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("%d events, err = %v; want a refusal of %s naming %s", len(evs), err, tt.feature, tt.field)
			}
		})
	}
}

func TestAcceptsHarmlessOptions(t *testing.T) {
	t.Parallel()
	b := New(Options{Pace: &Pace{}})
	req := storyRequest()
	req.Messages[0].Content[0].Cache = &rockstream.CachePoint{TTL: "1h"}
	req.SystemCache = []rockstream.SystemCachePoint{{After: 0}}
	req.Metadata, req.Latency, req.ServiceTier = map[string]string{"team": "a"}, "optimized", "flex"
	req.AnthropicBeta = []string{"b"}
	req.ExtraFields = map[string]json.RawMessage{"metadata": json.RawMessage(`{"user_id":"u"}`)}
	if _, err := collect(t, context.Background(), b, req); err != nil {
		t.Fatalf("harmless options refused: %v", err)
	}
}
