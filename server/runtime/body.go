package runtime

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// withRequestID gives every response an x-amzn-RequestId, whether or not
// the server in front already did.
func withRequestID(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, _ = wire.EnsureRequestID(w, r)
		next(w, r)
	}
}

// readBody reads the request body whatever its Content-Type (boto3 sends
// none, Go and JS application/octet-stream), within the size limit. A
// typed failure from the body itself (the server's body timeout, a 408) is
// answered as it is.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	var tooBig *http.MaxBytesError
	var typed *rockstream.Error
	switch {
	case errors.As(err, &tooBig):
		return nil, rockstream.Validationf("1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to %d", h.maxBody)
	case errors.As(err, &typed):
		return nil, typed
	case err != nil:
		return nil, rockstream.Validationf("Could not read the request body: %v", err)
	}
	return body, nil
}

// invalidModel is Bedrock's answer for a model ID no codec speaks.
func invalidModel() error {
	return rockstream.Validationf("The provided model identifier is invalid.")
}

// internalError is the failure for a bug on this side of the wire.
func internalError(format string, args ...any) *rockstream.Error {
	return &rockstream.Error{
		Class: rockstream.ClassInternal, Code: "InternalServerException", StatusCode: http.StatusInternalServerError,
		Message: fmt.Sprintf(format, args...),
	}
}
