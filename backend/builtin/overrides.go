package builtin

import (
	"context"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/override"
)

// The builtin model honours the per-request overrides of package override:
// a frontend parses them from these headers and passes them in the
// request's context. The names are kept here for the builtin's callers.
const (
	HeaderPace  = override.HeaderPace  // ttft=300ms,tps=40,jitter=0.2
	HeaderFault = override.HeaderFault // ThrottlingException | cut | silence=5s [,after=N]
	HeaderSeed  = override.HeaderSeed  // 42
)

// Pace is how fast the builtin model answers.
type Pace = override.Pace

// DefaultPace is a real model's: about 400ms to the first token, then
// about 50 tokens per second.
var DefaultPace = override.DefaultPace

// FaultKind says what a fault does.
type FaultKind = override.FaultKind

// The kinds of fault.
const (
	FaultException = override.FaultException
	FaultCut       = override.FaultCut
	FaultSilence   = override.FaultSilence
)

// Fault is a failure injected into a stream.
type Fault = override.Fault

// Overrides change the builtin model for one request; nil fields leave
// the backend's options in force.
type Overrides = override.Overrides

// ParsePace reads "ttft=300ms,tps=40,jitter=0.2" over base, within
// override's bounds.
func ParsePace(s string, base Pace) (Pace, error) { return override.ParsePace(s, base) }

// ParseFault reads "<what>[,after=N]"; see override.ParseFault.
func ParseFault(s string) (Fault, error) { return override.ParseFault(s) }

// overridesFrom is what the request's frontend asked of this stream.
func overridesFrom(ctx context.Context) Overrides { return override.From(ctx) }

// exceptionMessages are the messages Bedrock usually sends with each
// exception.
var exceptionMessages = map[string]string{
	"ValidationException":           "Malformed input request, please reformat your input and try again.",
	"AccessDeniedException":         "You don't have access to the model with the specified model ID.",
	"ResourceNotFoundException":     "Could not resolve the foundation model from the provided model identifier.",
	"ModelTimeoutException":         "Model has timed out in processing the request. Try your request again.",
	"ThrottlingException":           "Too many requests, please wait before trying again.",
	"ModelNotReadyException":        "Model is not ready to serve inference requests. The AWS SDK will automatically retry the operation.",
	"ServiceQuotaExceededException": "Your request exceeds the service quotas for your account. Request a quota increase or try again later.",
	"ModelErrorException":           "The model returned an error. Try your request again.",
	"ModelStreamErrorException":     "The model stream encountered an error. Try your request again.",
	"InternalServerException":       "The system encountered an unexpected error during processing. Try your request again.",
	"ServiceUnavailableException":   "Bedrock is unable to process your request.",
	"UnrecognizedClientException":   "The security token included in the request is invalid.",
	"InvalidSignatureException":     "The request signature we calculated does not match the signature you provided.",
	"ExpiredTokenException":         "The security token included in the request is expired",
}

// faultError is the error f yields.
func faultError(f *Fault) error {
	switch f.Kind {
	case FaultCut:
		return rockstream.ErrAbort
	case FaultException:
		msg := f.Message
		if msg == "" {
			msg = exceptionMessages[f.Exception]
		}
		e := rockstream.BedrockError(f.Exception, msg)
		e.InStream = f.InStream
		if f.Exception == "ModelStreamErrorException" || f.Exception == "ModelErrorException" {
			e.OriginalStatusCode = 500
		}
		return e
	}
	return nil
}
