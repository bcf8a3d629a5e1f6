package bedrock

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream"
)

// classify turns any failure of a stream into a *rockstream.Error. inStream
// is set once the HTTP response has been accepted: errors after it came
// from the event stream itself.
func classify(ctx context.Context, err error, inStream bool) *rockstream.Error {
	var e *rockstream.Error
	switch {
	case errors.As(err, &e):
		e = copyError(e)
	case ctx.Err() != nil:
		return cancelled(ctx)
	default:
		e = fromSDK(err, inStream)
	}
	if e.RequestID == "" {
		e.RequestID = requestIDOf(err)
	}
	if inStream {
		e.InStream = true
	}
	return e
}

// copyError copies e so that hints added per stream never leak into an
// error value shared elsewhere.
func copyError(e *rockstream.Error) *rockstream.Error {
	c := *e
	return &c
}

// cancelled is the error a stream ends with when its context ends.
func cancelled(ctx context.Context) *rockstream.Error {
	cause := context.Cause(ctx)
	return &rockstream.Error{Class: rockstream.ClassInterrupted, Message: "stream cancelled: " + cause.Error(), Err: cause}
}

// fromSDK classifies an error the AWS SDK returned.
func fromSDK(err error, inStream bool) *rockstream.Error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return fromAPIError(err, apiErr)
	}
	if noCredentials(err) {
		return &rockstream.Error{
			Class: rockstream.ClassAuth,
			Message: "no AWS credentials found. Configure them with environment variables " +
				"(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), a profile (aws configure, or aws sso login " +
				"with AWS_PROFILE), or a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK); or run rockstream " +
				"with --local to use its offline model",
			Err: err,
		}
	}
	if errors.Is(err, rockstream.ErrIncomplete) {
		return &rockstream.Error{Class: rockstream.ClassInterrupted, Message: "the stream was cut before the model finished: " + err.Error(), Err: err}
	}
	var sendErr *smithyhttp.RequestSendError
	if !inStream && errors.As(err, &sendErr) {
		return &rockstream.Error{
			Class: rockstream.ClassUnavailable, Retryable: true,
			Message: "cannot reach the Bedrock endpoint: " + sendErr.Err.Error(), Err: err,
		}
	}
	if status := statusOf(err); status != 0 {
		return fromStatus(status, err)
	}
	if !inStream {
		return &rockstream.Error{Class: rockstream.ClassUnknown, Message: "bedrock: " + err.Error(), Err: err}
	}
	return &rockstream.Error{
		Class:   rockstream.ClassProtocol,
		Message: "the response is not a valid Bedrock event stream: " + err.Error(),
		Err:     err,
	}
}

// fromAPIError maps a modeled exception, or any error with a code, to its
// class, status and retryability.
func fromAPIError(err error, apiErr smithy.APIError) *rockstream.Error {
	code := apiErr.ErrorCode()
	e := rockstream.BedrockError(code, apiErr.ErrorMessage())
	e.Err = err
	if !rockstream.IsBedrockException(code) {
		if status := statusOf(err); status != 0 {
			s := fromStatus(status, err)
			// "UnknownError" is the SDK's placeholder for a body without a code.
			if code != "UnknownError" {
				s.Code = code
			}
			if m := apiErr.ErrorMessage(); m != "" && m != "UnknownError" {
				s.Message = m
			}
			e = s
		}
	}
	if status := statusOf(err); status != 0 {
		e.StatusCode = status
	}
	var streamErr *types.ModelStreamErrorException
	var modelErr *types.ModelErrorException
	switch {
	case errors.As(err, &streamErr) && streamErr.OriginalStatusCode != nil:
		e.OriginalStatusCode = int(*streamErr.OriginalStatusCode)
	case errors.As(err, &modelErr) && modelErr.OriginalStatusCode != nil:
		e.OriginalStatusCode = int(*modelErr.OriginalStatusCode)
	}
	e.RetryAfter = retryAfterOf(err)
	return e
}

// fromStatus classifies an HTTP failure that carries no exception name.
func fromStatus(status int, err error) *rockstream.Error {
	e := &rockstream.Error{StatusCode: status, Err: err, Message: http.StatusText(status)}
	switch {
	case status == http.StatusTooManyRequests:
		e.Class, e.Retryable = rockstream.ClassThrottling, true
	case status == http.StatusUnauthorized:
		e.Class = rockstream.ClassAuth
	case status == http.StatusForbidden:
		e.Class = rockstream.ClassAccessDenied
	case status == http.StatusNotFound:
		e.Class = rockstream.ClassNotFound
	case status == http.StatusRequestTimeout:
		e.Class, e.Retryable = rockstream.ClassTimeout, true
	case status == http.StatusServiceUnavailable || status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		e.Class, e.Retryable = rockstream.ClassUnavailable, true
	case status >= 500:
		e.Class, e.Retryable = rockstream.ClassInternal, true
	case status >= 400:
		e.Class = rockstream.ClassValidation
	default:
		e.Class = rockstream.ClassProtocol
	}
	e.RetryAfter = retryAfterOf(err)
	return e
}

func statusOf(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

func requestIDOf(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// retryAfterOf reads a Retry-After header in seconds, if the error's
// response had one.
func retryAfterOf(err error) time.Duration {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0
	}
	secs, perr := strconv.Atoi(strings.TrimSpace(re.Response.Header.Get("Retry-After")))
	if perr != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// noCredentials recognises the SDK's failure to find any credentials. The
// SDK gives it no type of its own, only the signer's wording.
func noCredentials(err error) bool {
	s := err.Error()
	return strings.Contains(s, "failed to retrieve credentials") ||
		strings.Contains(s, "no EC2 IMDS role found") ||
		strings.Contains(s, "anonymous credentials")
}
