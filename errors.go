package rockstream

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrorClass groups failures by what a caller should do about them.
type ErrorClass string

const (
	ClassValidation   ErrorClass = "validation"    // fix the request
	ClassAuth         ErrorClass = "auth"          // credentials missing, wrong or expired
	ClassAccessDenied ErrorClass = "access_denied" // model access not granted
	ClassNotFound     ErrorClass = "not_found"     // unknown model or resource
	ClassThrottling   ErrorClass = "throttling"    // slow down and retry
	ClassQuota        ErrorClass = "quota"         // a service quota is exhausted
	ClassTimeout      ErrorClass = "timeout"       // the model took too long
	ClassModel        ErrorClass = "model"         // the model itself failed
	ClassNotReady     ErrorClass = "not_ready"     // the model is loading; retry
	ClassUnavailable  ErrorClass = "unavailable"   // the service is overloaded
	ClassInternal     ErrorClass = "internal"      // the service failed
	ClassProtocol     ErrorClass = "protocol"      // the peer broke the wire protocol
	ClassInterrupted  ErrorClass = "interrupted"   // the connection ended mid-stream
	ClassUnknown      ErrorClass = "unknown"       // an error nobody classified
)

// Error is a typed failure of a stream, before it started or inside it.
// Branch on it with errors.As; never on its text.
type Error struct {
	Class ErrorClass
	// Code is the Bedrock exception name, e.g. "ThrottlingException", when
	// the failure has one.
	Code    string
	Message string
	// StatusCode is the HTTP status the failure had before the stream, or
	// would have had; in-stream exceptions keep their Bedrock status too.
	StatusCode int
	RequestID  string
	Retryable  bool
	// RetryAfter is the server's hint, zero when it gave none.
	RetryAfter time.Duration
	// OriginalStatusCode is the model's own status for ModelStreamErrorException.
	OriginalStatusCode int
	// InStream is true when the failure arrived after the stream began.
	InStream bool
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	s := msg
	if e.Code != "" {
		s = e.Code + ": " + msg
	}
	if e.RequestID != "" {
		s += " (request ID " + e.RequestID + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// bedrockException describes one of Bedrock Runtime's modeled errors.
type bedrockException struct {
	class     ErrorClass
	status    int
	retryable bool
}

// bedrockExceptions maps Bedrock Runtime exception names to their class,
// HTTP status and whether a retry can succeed.
var bedrockExceptions = map[string]bedrockException{
	"ValidationException":                 {ClassValidation, 400, false},
	"AccessDeniedException":               {ClassAccessDenied, 403, false},
	"ResourceNotFoundException":           {ClassNotFound, 404, false},
	"ModelTimeoutException":               {ClassTimeout, 408, true},
	"ThrottlingException":                 {ClassThrottling, 429, true},
	"ModelNotReadyException":              {ClassNotReady, 429, true},
	"ServiceQuotaExceededException":       {ClassQuota, 400, false},
	"ModelErrorException":                 {ClassModel, 424, false},
	"ModelStreamErrorException":           {ClassModel, 424, false},
	"InternalServerException":             {ClassInternal, 500, true},
	"ServiceUnavailableException":         {ClassUnavailable, 503, true},
	"UnrecognizedClientException":         {ClassAuth, 403, false},
	"InvalidSignatureException":           {ClassAuth, 403, false},
	"ExpiredTokenException":               {ClassAuth, 403, false},
	"MissingAuthenticationTokenException": {ClassAuth, 403, false},
	"IncompleteSignatureException":        {ClassAuth, 403, false},
}

// BedrockError builds the Error for a Bedrock exception name (PascalCase,
// e.g. "ThrottlingException"). Unknown names become ClassUnknown errors
// with status 500.
func BedrockError(code, message string) *Error {
	x, ok := bedrockExceptions[code]
	if !ok {
		x = bedrockException{ClassUnknown, http.StatusInternalServerError, false}
	}
	return &Error{Class: x.class, Code: code, Message: message, StatusCode: x.status, Retryable: x.retryable}
}

// IsBedrockException reports whether code is a Bedrock exception name
// rockstream knows.
func IsBedrockException(code string) bool {
	_, ok := bedrockExceptions[code]
	return ok
}

// ClassStatus is the HTTP status a failure of class c gets when a frontend
// has nothing more specific.
func ClassStatus(c ErrorClass) int {
	switch c {
	case ClassValidation, ClassQuota:
		return http.StatusBadRequest
	case ClassAuth:
		return http.StatusForbidden
	case ClassAccessDenied:
		return http.StatusForbidden
	case ClassNotFound:
		return http.StatusNotFound
	case ClassThrottling, ClassNotReady:
		return http.StatusTooManyRequests
	case ClassTimeout:
		return http.StatusRequestTimeout
	case ClassModel:
		return http.StatusFailedDependency
	case ClassUnavailable:
		return http.StatusServiceUnavailable
	case ClassProtocol, ClassInterrupted:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// Validationf returns a ClassValidation error with a formatted message.
func Validationf(format string, args ...any) *Error {
	e := BedrockError("ValidationException", fmt.Sprintf(format, args...))
	return e
}

// AsError returns err as an *Error, classifying errors that are not one
// as ClassUnknown (or ClassInterrupted for a cut connection).
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Class: ClassUnknown, StatusCode: http.StatusInternalServerError, Message: err.Error(), Err: err}
}

// ErrAbort, yielded by a backend, makes the frontend drop the connection
// in the middle of a frame, as a network fault would. Backends that inject
// or replay faults use it; frontends never report it as a clean end.
var ErrAbort = errors.New("rockstream: connection aborted")
