package override

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// HeaderError is a malformed override header. Frontends answer it as a
// validation error in their own dialect.
type HeaderError struct {
	Header string
	Err    error
}

func (e *HeaderError) Error() string { return fmt.Sprintf("%s: %v", e.Header, e.Err) }
func (e *HeaderError) Unwrap() error { return e.Err }

// ParseHeaders reads the X-Rockstream-* headers of a request; a pace's
// missing fields are DefaultPace's. A malformed header is a *HeaderError
// naming it.
func ParseHeaders(h http.Header) (Overrides, error) {
	var o Overrides
	if v := strings.TrimSpace(h.Get(HeaderPace)); v != "" {
		p, err := ParsePace(v, DefaultPace)
		if err != nil {
			return Overrides{}, &HeaderError{Header: HeaderPace, Err: err}
		}
		o.Pace = &p
	}
	if v := strings.TrimSpace(h.Get(HeaderFault)); v != "" {
		f, err := ParseFault(v)
		if err != nil {
			return Overrides{}, &HeaderError{Header: HeaderFault, Err: err}
		}
		o.Fault = &f
	}
	if v := strings.TrimSpace(h.Get(HeaderSeed)); v != "" {
		n, err := parseSeed(v)
		if err != nil {
			return Overrides{}, &HeaderError{Header: HeaderSeed, Err: err}
		}
		o.Seed = &n
	}
	return o, nil
}

// parseSeed reads a 64-bit seed; negative numbers wrap, as they do when a
// client's signed seed is reinterpreted.
func parseSeed(v string) (uint64, error) {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return n, nil
	}
	i, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, &FieldError{Field: "seed", Value: v, Want: "a 64-bit integer"}
	}
	return uint64(i), nil
}

// TestHeaders are the headers that change how a stream behaves rather
// than what it says: pace and fault. They are honoured only from trusted
// callers (see Trust).
var TestHeaders = []string{HeaderPace, HeaderFault}

// TestHeadersIn names the test headers h carries, in TestHeaders' order.
func TestHeadersIn(h http.Header) []string {
	var names []string
	for _, name := range TestHeaders {
		if strings.TrimSpace(h.Get(name)) != "" {
			names = append(names, name)
		}
	}
	return names
}
