package override

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// Trust says whose test headers (pace and fault) a frontend honours:
// every loopback client, and callers beyond loopback whose verified key is
// one of Keys. The zero Trust honours loopback clients only.
type Trust struct {
	// Keys are the access key IDs and API keys allowed to send test
	// headers from beyond loopback. They count only once the frontend
	// has verified them.
	Keys []string
}

// Caller is what a frontend verified about who sent a request.
type Caller struct {
	// RemoteAddr is the connection's peer, as in http.Request.RemoteAddr.
	RemoteAddr string
	// Key is the key the request was verified with; empty when the
	// frontend verified none (open or any-credential modes).
	Key string
	// Signed, when set, reports whether the credential covers a header
	// (SigV4's signed headers). Nil means it covers every header, as a
	// bearer key sent over the connection does.
	Signed func(header string) bool
}

// RefusedError is a test header from a caller not allowed to send it.
// Frontends answer it as access denied in their own dialect.
type RefusedError struct {
	Header string
	// Unsigned is set when the key is allowed but its signature does not
	// cover the header, so anyone on the path could have added it.
	Unsigned bool
}

func (e *RefusedError) Error() string {
	if e.Unsigned {
		return e.Header + " must be among the request's signed headers to be honoured from beyond loopback."
	}
	return e.Header + " is a test header, honoured only from loopback clients or from keys allowed to send it (rockstream serve --test-header-keys)."
}

// Check returns a *RefusedError for the first test header in h that c may
// not send, or nil.
func (t Trust) Check(h http.Header, c Caller) error {
	names := TestHeadersIn(h)
	if len(names) == 0 || IsLoopback(c.RemoteAddr) {
		return nil
	}
	if !t.allowsKey(c.Key) {
		return &RefusedError{Header: names[0]}
	}
	for _, name := range names {
		if c.Signed != nil && !c.Signed(name) {
			return &RefusedError{Header: name, Unsigned: true}
		}
	}
	return nil
}

func (t Trust) allowsKey(key string) bool {
	if key == "" {
		return false
	}
	ok := 0
	for _, k := range t.Keys {
		ok |= subtle.ConstantTimeCompare([]byte(k), []byte(key))
	}
	return ok == 1
}

// IsLoopback reports whether a peer address ("host:port") is on this
// machine's loopback interface. Behind a reverse proxy on the same
// machine every client looks local: such a proxy must strip X-Rockstream-*
// headers.
func IsLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}
