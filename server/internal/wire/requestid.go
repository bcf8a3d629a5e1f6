// Package wire writes Bedrock Runtime's HTTP responses: request IDs, the
// HTTP error shape, and event-stream responses (FrameWriter: when headers
// commit, flushing, the write deadline), whose frames internal/eventframe
// encodes. The runtime and the auth layer both answer in it, so it lives
// apart from either.
package wire

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader is Bedrock's request-ID response header, spelled as
// Bedrock spells it (HTTP/1.1 keeps the case; HTTP/2 lowercases it).
const RequestIDHeader = "x-amzn-RequestId"

type requestIDKey struct{}

// NewRequestID returns a random UUID (version 4), the form Bedrock uses.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request ID ctx carries, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// EnsureRequestID gives r a request ID if it has none yet, sets the
// response header, and returns the request carrying it with the ID.
func EnsureRequestID(w http.ResponseWriter, r *http.Request) (*http.Request, string) {
	if id := RequestIDFrom(r.Context()); id != "" {
		return r, id
	}
	id := NewRequestID()
	SetHeader(w.Header(), RequestIDHeader, id)
	return r.WithContext(WithRequestID(r.Context(), id)), id
}

// SetHeader sets a header under exactly the name given, so HTTP/1.1
// responses carry Bedrock's mixed-case spelling.
func SetHeader(h http.Header, name, value string) {
	h.Del(name)
	h[name] = []string{value}
}
