package runtime

import (
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/browser"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// jsonBody guards an operation whose body is JSON (Converse,
// ConverseStream, CountTokens): a declared Content-Type must be JSON.
// None at all is let through, as the SDKs' serializers do not all promise
// one; a page on another site cannot send JSON without a preflight.
func jsonBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" && !browser.IsJSON(ct) {
			wire.WriteError(w, unsupportedMediaType("application/json"))
			return
		}
		next(w, r)
	}
}

// blobBody guards InvokeModel[WithResponseStream], whose body is the
// model's own bytes: the SDKs send application/octet-stream (Go, JS),
// application/json (Anthropic's) or no Content-Type at all (boto3), so
// only the types a page can send cross-site without a preflight are
// refused.
func blobBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if browser.IsSimple(r.Header.Get("Content-Type")) {
			wire.WriteError(w, unsupportedMediaType("the model's JSON, as application/json or application/octet-stream"))
			return
		}
		next(w, r)
	}
}

func unsupportedMediaType(want string) *rockstream.Error {
	e := rockstream.Validationf("Unsupported Content-Type: the body must be %s.", want)
	e.StatusCode = http.StatusUnsupportedMediaType
	return e
}
