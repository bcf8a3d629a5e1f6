package server

import (
	"net/http"

	"github.com/rockstream/rockstream/override"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// withOverrides carries an authenticated Bedrock Runtime request's
// per-request overrides (X-Rockstream-Pace, -Fault, -Seed) in its context
// for the backend. It runs after authentication and answers in Bedrock's
// shape: 400 ValidationException for a malformed header, 403
// AccessDeniedException for a test header trust does not allow from this
// caller.
func withOverrides(trust override.Trust, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := override.Caller{RemoteAddr: r.RemoteAddr}
		if id, ok := auth.IdentityFrom(r.Context()); ok {
			caller.Key, caller.Signed = id.Key, id.Signs
		}
		if err := trust.Check(r.Header, caller); err != nil {
			wire.WriteError(w, override.AsError(err))
			return
		}
		o, err := override.ParseHeaders(r.Header)
		if err != nil {
			wire.WriteError(w, override.AsError(err))
			return
		}
		next.ServeHTTP(w, r.WithContext(override.With(r.Context(), o)))
	})
}
