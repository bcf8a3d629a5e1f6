package runtime

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
)

// countTokensBody is CountTokens' request: its input is a union of an
// InvokeModel body (base64 in JSON) and the conversation part of a
// Converse request.
type countTokensBody struct {
	Input *struct {
		InvokeModel *struct {
			Body []byte `json:"body"`
		} `json:"invokeModel"`
		Converse json.RawMessage `json:"converse"`
	} `json:"input"`
}

// countTokens serves CountTokens: the input tokens the backend would
// charge for the request, decoded exactly as InvokeModel or Converse
// would decode it.
func (h *handler) countTokens(w http.ResponseWriter, r *http.Request) {
	req, err := h.decodeCount(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := rockstream.CountTokens(r.Context(), h.backend, req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body := []byte(`{"inputTokens":` + strconv.Itoa(n) + `}`)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (h *handler) decodeCount(w http.ResponseWriter, r *http.Request) (*rockstream.Request, error) {
	modelID := r.PathValue("modelId")
	raw, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	var body countTokensBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, rockstream.Validationf("Could not parse the request body: it is not a CountTokens request in JSON.")
	}
	in := body.Input
	switch {
	case in == nil:
		return nil, rockstream.Validationf("1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null")
	case in.InvokeModel != nil && in.Converse != nil:
		return nil, rockstream.Validationf("input must set exactly one of invokeModel and converse, not both")
	case in.InvokeModel != nil:
		if len(in.InvokeModel.Body) == 0 {
			return nil, rockstream.Validationf("1 validation error detected: Value null at 'input.invokeModel.body' failed to satisfy constraint: Member must not be null")
		}
		_, req, err := h.invokeBody(modelID, in.InvokeModel.Body, nil)
		return req, err
	case in.Converse != nil:
		return decodeConverseBody(modelID, in.Converse)
	}
	return nil, rockstream.Validationf("input must set one of invokeModel and converse")
}
