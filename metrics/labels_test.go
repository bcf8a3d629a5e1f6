package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// scrape returns what GET /metrics serves.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// rejected is a backend that refuses every request, as one does an
// unknown model.
var rejected = scripted{err: rockstream.BedrockError("ValidationException", "The provided model identifier is invalid.")}

// TestModelLabelsAreBounded sends junk, huge and invalid-UTF-8 model IDs:
// /metrics grows by a few series, labelled other, not by one per name.
func TestModelLabelsAreBounded(t *testing.T) {
	m := New()
	drain(m.Instrument(scripted{events: answer("x")}), catalog.DefaultModel, 0)
	base := len(scrape(t, m))
	for i := range 200 {
		drain(m.Instrument(rejected), fmt.Sprintf("junk-model-%d", i), 0)
	}
	drain(m.Instrument(rejected), strings.Repeat("x", 1<<20), 0)
	drain(m.Instrument(scripted{events: answer("y")}), "bad\xffutf8", 0)
	body := scrape(t, m)
	if grown := len(body) - base; grown > 16<<10 {
		t.Errorf("/metrics grew by %d bytes for junk model IDs; want a few series", grown)
	}
	for _, want := range []string{
		`gen_ai_client_token_usage_total{gen_ai_request_model="` + catalog.DefaultModel + `",gen_ai_token_type="output"} 1`,
		`gen_ai_client_token_usage_total{gen_ai_request_model="other",gen_ai_token_type="output"} 1`,
		`gen_ai_server_request_duration_seconds_count{gen_ai_request_model="other",outcome="error"} 201`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "junk-model") {
		t.Error("a junk model ID became a label")
	}
}

func TestModelLabel(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:bedrock:us-east-1::foundation-model/" + catalog.DefaultModel
	tests := []struct{ model, want string }{
		{catalog.DefaultModel, catalog.DefaultModel},
		{"us." + catalog.DefaultModel, "us." + catalog.DefaultModel},
		{arn, catalog.DefaultModel},
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us." + catalog.DefaultModel, catalog.DefaultModel},
		{"", "other"},
		{"mars." + catalog.DefaultModel, "other"},
		{"anthropic.claude-99", "other"},
		{"\xff", "other"},
	}
	m := New()
	for _, tt := range tests {
		if got := m.modelLabel(tt.model); got != tt.want {
			t.Errorf("modelLabel(%q) = %q, want %q", tt.model, got, tt.want)
		}
	}
}

// TestModelLabelsCapped keeps the number of model series within
// MaxModels even when the catalog has more.
func TestModelLabelsCapped(t *testing.T) {
	t.Parallel()
	m := NewWithOptions(Options{MaxModels: 2})
	var got []string
	for _, md := range catalog.Models()[:4] {
		got = append(got, m.modelLabel(md.ID))
	}
	ids := catalog.Models()
	want := []string{ids[0].ID, ids[1].ID, "other", "other"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("labels %q, want %q", got, want)
	}
	if m.modelLabel(ids[0].ID) != ids[0].ID {
		t.Error("a model already labelled lost its label at the cap")
	}
}
