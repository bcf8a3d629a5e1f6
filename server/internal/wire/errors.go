package wire

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
)

// ErrorTypeHeader names the exception on an HTTP error; SDKs read it
// before the body.
const ErrorTypeHeader = "x-amzn-ErrorType"

// errorTypeSuffix follows the exception name in x-amzn-ErrorType, as
// Bedrock sends it.
const errorTypeSuffix = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

// classCodes names the Bedrock exception for an error that has a class but
// no code.
var classCodes = map[rockstream.ErrorClass]string{
	rockstream.ClassValidation:   "ValidationException",
	rockstream.ClassAuth:         "UnrecognizedClientException",
	rockstream.ClassAccessDenied: "AccessDeniedException",
	rockstream.ClassNotFound:     "ResourceNotFoundException",
	rockstream.ClassThrottling:   "ThrottlingException",
	rockstream.ClassQuota:        "ServiceQuotaExceededException",
	rockstream.ClassTimeout:      "ModelTimeoutException",
	rockstream.ClassModel:        "ModelErrorException",
	rockstream.ClassNotReady:     "ModelNotReadyException",
	rockstream.ClassUnavailable:  "ServiceUnavailableException",
}

// internalMessage is Bedrock's words for a failure on the server's side.
const internalMessage = "The server encountered an internal error while processing the request."

// defaultMessages are Bedrock's words for errors that arrive without any.
var defaultMessages = map[string]string{
	"ThrottlingException":         "Too many requests, please wait before trying again.",
	"ModelTimeoutException":       "Model has timed out in processing the request. Try your request again.",
	"ServiceUnavailableException": "Bedrock is unable to process your request.",
	"InternalServerException":     internalMessage,
	"AccessDeniedException":       "You don't have access to the model with the specified model ID.",
}

// Code is the PascalCase Bedrock exception name for e.
func Code(e *rockstream.Error) string {
	// Only Bedrock's own exception names go on the wire: a code from
	// another dialect (OpenAI's "rate_limit_exceeded") would reach SDKs as
	// an unknown error instead of the class it belongs to.
	if e.Code != "" && rockstream.IsBedrockException(e.Code) {
		return e.Code
	}
	if c, ok := classCodes[e.Class]; ok {
		return c
	}
	return "InternalServerException"
}

// Status is the HTTP status e gets before a stream starts.
func Status(e *rockstream.Error) int {
	if e.StatusCode >= 400 && e.StatusCode <= 599 {
		return e.StatusCode
	}
	if code := Code(e); rockstream.IsBedrockException(code) {
		return rockstream.BedrockError(code, "").StatusCode
	}
	return rockstream.ClassStatus(e.Class)
}

// Message is e's message, or Bedrock's default words for its code.
func Message(e *rockstream.Error) string {
	if e.Message != "" {
		return e.Message
	}
	if m, ok := defaultMessages[Code(e)]; ok {
		return m
	}
	return internalMessage
}

// errorBody is the JSON of an HTTP error or an exception frame.
type errorBody struct {
	Type               string `json:"__type,omitempty"`
	Message            string `json:"message"`
	OriginalStatusCode int    `json:"originalStatusCode,omitempty"`
	OriginalMessage    string `json:"originalMessage,omitempty"`
}

func body(e *rockstream.Error, code string, withType bool) []byte {
	e = Public(e, "")
	b := errorBody{Message: Message(e)}
	if withType {
		b.Type = code
	}
	if code == "ModelStreamErrorException" || code == "ModelErrorException" {
		b.OriginalStatusCode = e.OriginalStatusCode
		if e.Err != nil && e.Message != "" {
			b.OriginalMessage = e.Err.Error()
		}
	}
	out, _ := json.Marshal(b)
	return out
}

// WriteError answers with Bedrock's HTTP error shape: the status,
// x-amzn-ErrorType, and {"message":…,"__type":…}. Nothing may have been
// written to w before.
func WriteError(w http.ResponseWriter, err error) {
	e := Public(rockstream.AsError(err), ResponseRequestID(w.Header()))
	code := Code(e)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	SetHeader(h, ErrorTypeHeader, code+errorTypeSuffix)
	if e.RequestID != "" {
		// A relayed failure keeps the upstream's request ID.
		SetHeader(h, RequestIDHeader, e.RequestID)
	}
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	w.WriteHeader(Status(e))
	_, _ = w.Write(body(e, code, true))
}

// WriteException answers with Bedrock's HTTP error shape for an exception
// that no rockstream error class names, such as UnknownOperationException
// for a path no operation serves.
func WriteException(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Del("Content-Length")
	SetHeader(h, ErrorTypeHeader, code+errorTypeSuffix)
	w.WriteHeader(status)
	out, _ := json.Marshal(errorBody{Type: code, Message: message})
	_, _ = w.Write(out)
}
