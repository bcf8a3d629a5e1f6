package openaicompat

import (
	"encoding/json"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/jsonedit"
)

// passBody is the caller's own chat-completions body with only the model
// renamed to the upstream's: every other field, known to rockstream or
// not, reaches the upstream as the caller wrote it.
func (b *Backend) passBody(req *rockstream.Request) ([]byte, error) {
	model, err := json.Marshal(b.upstreamModel(req.Model))
	if err != nil {
		return nil, err
	}
	body, err := jsonedit.Edit(req.Wire.Body, map[string]json.RawMessage{"model": model}, []string{"model"})
	if err != nil {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, StatusCode: http.StatusBadRequest,
			Message: "The request body is not a JSON object.", Err: err}
	}
	return body, nil
}

// relayed marks an upstream error chunk that was relayed as it came, under
// the *rockstream.Error that classifies it, so the frontend does not add
// its own.
func relayed(err error) error {
	e := *rockstream.AsError(err)
	e.Err = &rockstream.Relayed{Err: e.Err}
	return &e
}
