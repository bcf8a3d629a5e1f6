package runtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// listFoundationModels serves ListFoundationModels with its byProvider,
// byOutputModality, byInferenceType and byCustomizationType filters.
func (h *handler) listFoundationModels(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	out := h.catalog().FoundationModels(h.region)
	kept := out.ModelSummaries[:0]
	for _, m := range out.ModelSummaries {
		if p := q.Get("byProvider"); p != "" && !strings.EqualFold(p, m.ProviderName) {
			continue
		}
		if mod := q.Get("byOutputModality"); mod != "" && !slices.Contains(m.OutputModalities, mod) {
			continue
		}
		if it := q.Get("byInferenceType"); it != "" && !slices.Contains(m.InferenceTypesSupported, it) {
			continue
		}
		if ct := q.Get("byCustomizationType"); ct != "" && !slices.Contains(m.CustomizationsSupported, ct) {
			continue
		}
		kept = append(kept, m)
	}
	out.ModelSummaries = kept
	writeJSON(w, out)
}

// getFoundationModel serves GetFoundationModel by model ID or ARN.
func (h *handler) getFoundationModel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("modelIdentifier")
	m, ok := h.catalog().Lookup(id)
	if !ok || m.Lifecycle == catalog.EOL {
		wire.WriteError(w, rockstream.BedrockError("ResourceNotFoundException", "The specified model identifier "+id+" is not valid."))
		return
	}
	writeJSON(w, catalog.GetFoundationModelOutput{ModelDetails: m.Details(h.region)})
}

// listInferenceProfiles serves ListInferenceProfiles, paged by maxResults
// and nextToken, filtered by typeEquals.
func (h *handler) listInferenceProfiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	out := h.catalog().InferenceProfiles(h.region)
	if t := q.Get("type"); t != "" {
		kept := out.InferenceProfileSummaries[:0]
		for _, p := range out.InferenceProfileSummaries {
			if p.Type == t {
				kept = append(kept, p)
			}
		}
		out.InferenceProfileSummaries = kept
	}
	start := 0
	if tok := q.Get("nextToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(out.InferenceProfileSummaries) {
			wire.WriteError(w, rockstream.Validationf("The nextToken is invalid."))
			return
		}
		start = n
	}
	items := out.InferenceProfileSummaries[start:]
	if max, err := strconv.Atoi(q.Get("maxResults")); err == nil && max > 0 && max < len(items) {
		items = items[:max]
		out.NextToken = strconv.Itoa(start + max)
	}
	out.InferenceProfileSummaries = items
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		wire.WriteError(w, internalError(fmt.Errorf("encoding the response: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
