package runtime

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode
}

func TestListFoundationModels(t *testing.T) {
	ts := newServer(t, fakebackend.New(fakebackend.Story()))
	tests := []struct {
		query string
		keep  func(catalog.FoundationModelSummary) bool
	}{
		{"", func(catalog.FoundationModelSummary) bool { return true }},
		{"?byProvider=anthropic", func(m catalog.FoundationModelSummary) bool { return m.ProviderName == "Anthropic" }},
		{"?byInferenceType=ON_DEMAND", func(m catalog.FoundationModelSummary) bool {
			for _, it := range m.InferenceTypesSupported {
				if it == "ON_DEMAND" {
					return true
				}
			}
			return false
		}},
		{"?byOutputModality=TEXT&byProvider=Amazon", func(m catalog.FoundationModelSummary) bool { return m.ProviderName == "Amazon" }},
	}
	all := catalog.FoundationModels(DefaultRegion).ModelSummaries
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var out catalog.ListFoundationModelsOutput
			if status := getJSON(t, ts.URL+"/foundation-models"+tt.query, &out); status != 200 {
				t.Fatalf("status %d", status)
			}
			want := 0
			for _, m := range all {
				if tt.keep(m) {
					want++
				}
			}
			if len(out.ModelSummaries) != want || want == 0 {
				t.Errorf("%d models, want %d (non-zero)", len(out.ModelSummaries), want)
			}
			for _, m := range out.ModelSummaries {
				if !tt.keep(m) {
					t.Errorf("%s should have been filtered out", m.ModelId)
				}
			}
		})
	}
}

func TestGetFoundationModel(t *testing.T) {
	ts := newServer(t, fakebackend.New(fakebackend.Story()))
	var out catalog.GetFoundationModelOutput
	if status := getJSON(t, ts.URL+"/foundation-models/"+"anthropic.claude-3-haiku-20240307-v1%3A0", &out); status != 200 {
		t.Fatalf("status %d", status)
	}
	if out.ModelDetails.ModelId != haiku {
		t.Errorf("model %q", out.ModelDetails.ModelId)
	}
	var e struct{ Message string }
	if status := getJSON(t, ts.URL+"/foundation-models/acme.none", &e); status != http.StatusNotFound || e.Message == "" {
		t.Errorf("unknown model: status %d, %+v", status, e)
	}
}

func TestListInferenceProfiles(t *testing.T) {
	ts := newServer(t, fakebackend.New(fakebackend.Story()))
	var all catalog.ListInferenceProfilesOutput
	getJSON(t, ts.URL+"/inference-profiles", &all)
	if len(all.InferenceProfileSummaries) < 3 || all.NextToken != "" {
		t.Fatalf("%d profiles, next %q", len(all.InferenceProfileSummaries), all.NextToken)
	}
	var paged []catalog.InferenceProfileSummary
	next := ""
	for range len(all.InferenceProfileSummaries) {
		var page catalog.ListInferenceProfilesOutput
		getJSON(t, ts.URL+"/inference-profiles?maxResults=2&nextToken="+next, &page)
		paged = append(paged, page.InferenceProfileSummaries...)
		if next = page.NextToken; next == "" {
			break
		}
	}
	if len(paged) != len(all.InferenceProfileSummaries) {
		t.Errorf("paging gave %d profiles, want %d", len(paged), len(all.InferenceProfileSummaries))
	}
}
