package wire

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/rockstream/rockstream"
)

// Public is e as a caller may see it. A failure whose message carries the
// text of a Go error (a dial failure's address, a file path, a library's
// words), or that has no message of its own, gets the words Bedrock uses
// for its code and, when known, the request ID, so the server's internals
// never reach an error body; the detail belongs in the server's log (see
// Exposes). Validation errors keep their message: it is about the
// caller's own request. Public returns e itself when nothing is hidden.
func Public(e *rockstream.Error, requestID string) *rockstream.Error {
	if e == nil || !Exposes(e) {
		return e
	}
	c := *e
	c.Message = internalMessage
	if m, ok := defaultMessages[Code(e)]; ok {
		c.Message = m
	}
	if requestID != "" {
		c.Message += " Request ID: " + requestID + "."
	}
	c.Err = nil
	return &c
}

// Exposes reports whether e's message would show a caller the text of a
// Go error, or would fall back to it for want of a message.
func Exposes(e *rockstream.Error) bool {
	if e.Message == "" {
		return e.Err != nil
	}
	if e.Class == rockstream.ClassValidation {
		return false
	}
	exposed := false
	walk(e.Err, 0, func(err error) bool {
		if ours(err) {
			return true
		}
		if s := err.Error(); s != "" && strings.Contains(e.Message, s) {
			exposed = true
		}
		return !exposed
	})
	return exposed
}

// ours reports whether err's type is one of rockstream's own, whose words
// are written for callers (override.RefusedError, openai.ParamError).
func ours(err error) bool {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.HasPrefix(t.PkgPath(), module)
}

const module = "github.com/rockstream/rockstream"

// walk calls f on err and every error it wraps, depth first, until f
// returns false; depth bounds a chain that wraps itself.
func walk(err error, depth int, f func(error) bool) bool {
	if err == nil || depth > 32 {
		return true
	}
	if !f(err) {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walk(u.Unwrap(), depth+1, f)
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if !walk(inner, depth+1, f) {
				return false
			}
		}
	}
	return true
}

// ResponseRequestID is the request ID a response carries in
// x-amzn-RequestId, set under Bedrock's exact spelling or canonically.
func ResponseRequestID(h http.Header) string {
	if v := h[RequestIDHeader]; len(v) > 0 {
		return v[0]
	}
	return h.Get(RequestIDHeader)
}
