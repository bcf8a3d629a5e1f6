package runtime

import (
	"errors"
	"io"
	"log/slog"
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
	case errors.As(err, &typed):
		// The body's reader already said what is wrong in Bedrock's
		// terms (strict auth: a body that does not match its signed hash).
		return nil, typed
	case errors.As(err, &tooBig):
		return nil, rockstream.Validationf("1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to %d", h.maxBody)
	case err != nil:
		return nil, rockstream.Validationf("The request body could not be read.")
	}
	return body, nil
}

// invalidModel is Bedrock's answer for a model ID no codec speaks.
func invalidModel() error {
	return rockstream.Validationf("The provided model identifier is invalid.")
}

// internalError is the failure for a bug on this side of the wire. Its
// cause is for the log: wire.WriteError gives the caller Bedrock's
// generic words and the request ID instead.
func internalError(cause error) *rockstream.Error {
	return &rockstream.Error{
		Class: rockstream.ClassInternal, Code: "InternalServerException", StatusCode: http.StatusInternalServerError,
		Message: cause.Error(), Err: cause,
	}
}

// fail answers err in Bedrock's shape. A failure whose text the caller
// is not shown (a Go error's words) is logged with the request ID the
// caller is given.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if e := rockstream.AsError(err); wire.Exposes(e) {
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "request failed",
			slog.String("request_id", wire.RequestIDFrom(r.Context())), slog.String("error", err.Error()))
	}
	wire.WriteError(w, err)
}
