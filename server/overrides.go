package server

import (
	"errors"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// withOverrides passes the builtin backend's per-request pacing, fault and
// seed headers (X-Rockstream-*) on in the request context. A malformed one
// is a 400 in Bedrock's shape.
func withOverrides(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, err := builtin.ParseHeaders(r.Header)
		if err != nil {
			var e *rockstream.Error
			if !errors.As(err, &e) {
				e = rockstream.Validationf("%v", err)
			}
			wire.WriteError(w, e)
			return
		}
		next.ServeHTTP(w, r.WithContext(builtin.WithOverrides(r.Context(), o)))
	})
}
