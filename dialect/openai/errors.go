package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/rockstream/rockstream"
)

// ErrorObject is OpenAI's error: the value of "error" in an error body
// and in the in-band error chunk of a failed stream.
type ErrorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// ErrorBody is a whole error response body.
type ErrorBody struct {
	Error ErrorObject `json:"error"`
}

// ParamError names the request parameter a validation error is about, and
// OpenAI's code for what is wrong with it. It travels as the Err of a
// *rockstream.Error.
type ParamError struct {
	Param string // e.g. "messages[1].role"; empty when no one parameter is at fault
	Code  string // e.g. "invalid_value"; empty when OpenAI sends null
}

func (e *ParamError) Error() string { return "openai: invalid parameter " + e.Param }

// invalid is a validation error about param.
func invalid(param, code, format string, args ...any) *rockstream.Error {
	e := rockstream.Validationf(format, args...)
	e.Err = &ParamError{Param: param, Code: code}
	return e
}

// Status is the HTTP status OpenAI's API answers e with: 429 for every
// kind of "slow down", 503 when overloaded, otherwise e's own status.
func Status(e *rockstream.Error) int {
	switch e.Class {
	case rockstream.ClassThrottling, rockstream.ClassNotReady, rockstream.ClassQuota:
		return http.StatusTooManyRequests
	case rockstream.ClassUnavailable:
		return http.StatusServiceUnavailable
	case rockstream.ClassNotFound:
		return http.StatusNotFound
	}
	if e.StatusCode != 0 {
		return e.StatusCode
	}
	return rockstream.ClassStatus(e.Class)
}

// Object is the error object OpenAI's API would send for e.
func Object(e *rockstream.Error) ErrorObject {
	o := ErrorObject{Message: e.Message, Type: "server_error"}
	if o.Message == "" {
		o.Message = e.Error()
	}
	var code string
	switch e.Class {
	case rockstream.ClassValidation:
		o.Type = "invalid_request_error"
	case rockstream.ClassNotFound:
		o.Type, code = "invalid_request_error", "model_not_found"
	case rockstream.ClassAuth:
		o.Type, code = "authentication_error", "invalid_api_key"
	case rockstream.ClassAccessDenied:
		o.Type = "permission_error"
	case rockstream.ClassThrottling, rockstream.ClassNotReady:
		o.Type, code = "rate_limit_error", "rate_limit_exceeded"
	case rockstream.ClassQuota:
		o.Type, code = "insufficient_quota", "insufficient_quota"
	case rockstream.ClassUnavailable:
		o.Type, code = "server_error", "overloaded"
	case rockstream.ClassTimeout:
		o.Type, code = "server_error", "timeout"
	}
	var pe *ParamError
	if errors.As(e, &pe) {
		if pe.Param != "" {
			o.Param = &pe.Param
		}
		code = pe.Code
	}
	if code != "" {
		o.Code = &code
	}
	return o
}

// ErrorResponse is the status and body OpenAI's API answers e with.
func ErrorResponse(e *rockstream.Error) (status int, body []byte) {
	return Status(e), mustMarshal(ErrorBody{Error: Object(e)})
}

// ErrorChunk is the in-band error that ends a stream already begun:
// {"error":{…}} in place of a chunk.
func ErrorChunk(e *rockstream.Error) []byte {
	return mustMarshal(ErrorBody{Error: Object(e)})
}

// mustMarshal marshals values whose types cannot fail to encode.
func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("openai: marshal %T: %v", v, err))
	}
	return b
}
