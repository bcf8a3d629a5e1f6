package runtime

import (
	"log/slog"
	"net/http"

	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/family"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// FallbackHeader names, on a response, the family a model the catalog has
// never seen was served as.
const FallbackHeader = "X-Rockstream-Model-Fallback"

// catalog is the model list this runtime consults.
func (h *handler) catalog() *catalog.Catalog {
	if h.models != nil {
		return h.models
	}
	return catalog.Current()
}

// checkModel runs before every /model/{modelId}/… operation: a model the
// catalog has never seen, of a known provider, is refused as Bedrock
// refuses it when the catalog is strict, and otherwise served with a
// header and a log line saying which family stands in for it. Everything
// else (listed models, identifiers no provider owns) passes on to the
// operation and the backend, which answer as before.
func (h *handler) checkModel(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("modelId")
		cat := h.catalog()
		if m, ok := cat.Fallback(id); ok {
			if cat.IsStrict() {
				wire.WriteError(w, invalidModel())
				return
			}
			w.Header().Set(FallbackHeader, m.Family)
			h.log.LogAttrs(r.Context(), slog.LevelInfo, "runtime: model not in the catalog, served as its provider's family",
				slog.String("model", id), slog.String("family", m.Family))
		}
		next(w, r)
	}
}

// familyCodec picks the codec for a model and the form of its body (the
// Mistral and Cohere families have a prompt form and a chat form). A model
// whose ID the family registry does not know gets the codec of the family
// the catalog gives it, through a listed model of that family. A model no
// codec speaks gets Bedrock's answer for an unknown identifier.
func (h *handler) familyCodec(modelID string, body []byte) (dialect.Codec, error) {
	c, err := family.ForRequest(modelID, body)
	if err == nil {
		return c, nil
	}
	cat := h.catalog()
	m, ok := cat.Lookup(modelID)
	if !ok {
		m, ok = cat.Fallback(modelID)
	}
	if ok {
		if exemplar, found := cat.Exemplar(m.Family); found && exemplar != m.ID {
			if c, err := family.ForRequest(exemplar, body); err == nil {
				return c, nil
			}
		}
	}
	return nil, invalidModel()
}
