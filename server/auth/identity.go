package auth

import (
	"context"
	"slices"
	"strings"
)

// Identity is the credential strict mode verified a request with, for
// decisions made after authentication (which keys may send test headers).
type Identity struct {
	// Key is the SigV4 access key ID or the Bedrock API key.
	Key string
	// SignedHeaders are the lower-case header names a SigV4 signature
	// covers; nil for an API key, which covers the whole request.
	SignedHeaders []string
}

// Signs reports whether the credential covers header: always for an API
// key, and for SigV4 when the header is among the signed ones.
func (id Identity) Signs(header string) bool {
	return id.SignedHeaders == nil || slices.Contains(id.SignedHeaders, strings.ToLower(header))
}

type identityKey struct{}

func withIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom is the identity Middleware verified for the request whose
// context is ctx; false in mode any, where nothing is verified.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
