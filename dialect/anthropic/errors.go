package anthropic

import (
	"encoding/json"
	"net/http"
	"unicode"

	"github.com/rockstream/rockstream"
)

// StatusOverloaded is the status Anthropic's API answers when overloaded.
const StatusOverloaded = 529

// errorKind is one of Anthropic's error types with its class and status.
type errorKind struct {
	typ       string
	class     rockstream.ErrorClass
	status    int
	retryable bool
}

var errorKinds = []errorKind{
	{"invalid_request_error", rockstream.ClassValidation, http.StatusBadRequest, false},
	{"authentication_error", rockstream.ClassAuth, http.StatusUnauthorized, false},
	{"permission_error", rockstream.ClassAccessDenied, http.StatusForbidden, false},
	{"not_found_error", rockstream.ClassNotFound, http.StatusNotFound, false},
	{"rate_limit_error", rockstream.ClassThrottling, http.StatusTooManyRequests, true},
	{"overloaded_error", rockstream.ClassUnavailable, StatusOverloaded, true},
	{"api_error", rockstream.ClassInternal, http.StatusInternalServerError, true},
}

// kindOf is the Anthropic error type for a rockstream error class.
// Throttling, a model still loading and an exhausted quota all ask the
// caller to slow down (429); an unavailable service is "overloaded" (529).
func kindOf(c rockstream.ErrorClass) errorKind {
	switch c {
	case rockstream.ClassValidation:
		return errorKinds[0]
	case rockstream.ClassAuth:
		return errorKinds[1]
	case rockstream.ClassAccessDenied:
		return errorKinds[2]
	case rockstream.ClassNotFound:
		return errorKinds[3]
	case rockstream.ClassThrottling, rockstream.ClassNotReady, rockstream.ClassQuota:
		return errorKinds[4]
	case rockstream.ClassUnavailable:
		return errorKinds[5]
	}
	return errorKinds[6]
}

type wireErrorBody struct {
	Type      string    `json:"type"`
	Error     wireError `json:"error"`
	RequestID string    `json:"request_id,omitempty"`
}

func errorBody(e *rockstream.Error) (int, []byte) {
	k := kindOf(e.Class)
	msg := e.Message
	if msg == "" {
		msg = e.Error()
	}
	b, _ := json.Marshal(wireErrorBody{Type: "error", Error: wireError{Type: k.typ, Message: msg}, RequestID: e.RequestID})
	return k.status, b
}

// ErrorResponse is the HTTP status and body the Messages API answers for e
// before a stream starts.
func ErrorResponse(e *rockstream.Error) (status int, body []byte) {
	return errorBody(e)
}

// ErrorEvent is the in-stream "error" event for e.
func ErrorEvent(e *rockstream.Error) SSEEvent {
	_, b := errorBody(e)
	return SSEEvent{Name: "error", Data: b}
}

// streamError converts an "error" chunk. Its type is one of Anthropic's
// error types, or a Bedrock exception in lowerCamel case, as Anthropic's
// Bedrock SDK reports exception frames.
func streamError(w *wireError) *rockstream.Error {
	if w == nil {
		return &rockstream.Error{Class: rockstream.ClassProtocol, StatusCode: http.StatusBadGateway,
			Message: "error chunk without an error object", InStream: true}
	}
	for _, k := range errorKinds {
		if k.typ == w.Type {
			return &rockstream.Error{Class: k.class, Code: k.typ, Message: w.Message,
				StatusCode: k.status, Retryable: k.retryable, InStream: true}
		}
	}
	code := pascal(w.Type)
	var e *rockstream.Error
	if rockstream.IsBedrockException(code) {
		e = rockstream.BedrockError(code, w.Message)
	} else {
		e = &rockstream.Error{Class: rockstream.ClassUnknown, Code: w.Type, Message: w.Message,
			StatusCode: http.StatusInternalServerError}
	}
	e.InStream = true
	return e
}

// pascal upper-cases the first letter: "throttlingException" → "ThrottlingException".
func pascal(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
