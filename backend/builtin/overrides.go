package builtin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rockstream/rockstream"
)

// Request headers that override the builtin model for one request.
const (
	HeaderPace  = "X-Rockstream-Pace"  // ttft=300ms,tps=40,jitter=0.2
	HeaderFault = "X-Rockstream-Fault" // ThrottlingException | cut | silence=5s [,after=N]
	HeaderSeed  = "X-Rockstream-Seed"  // 42
)

// Pace is how fast the builtin model answers.
type Pace struct {
	// FirstToken is the delay before the first generated token.
	FirstToken time.Duration
	// TokensPerSecond paces the tokens after the first; zero means no delay.
	TokensPerSecond float64
	// Jitter varies each gap by up to this fraction either way (0 to 1).
	Jitter float64
}

// DefaultPace is a real model's: about 400ms to the first token, then
// about 50 tokens per second.
var DefaultPace = Pace{FirstToken: 400 * time.Millisecond, TokensPerSecond: 50, Jitter: 0.2}

// FaultKind says what a fault does.
type FaultKind int

const (
	// FaultException fails with a Bedrock exception.
	FaultException FaultKind = iota + 1
	// FaultCut drops the connection mid-frame (rockstream.ErrAbort).
	FaultCut
	// FaultSilence pauses the stream, then lets it continue.
	FaultSilence
)

// Fault is a failure injected into a stream.
type Fault struct {
	Kind FaultKind
	// Exception is the Bedrock exception name, for FaultException.
	Exception string
	// Message replaces Bedrock's usual message for Exception when set.
	Message string
	// Silence is how long FaultSilence pauses.
	Silence time.Duration
	// InStream faults strike after After events; others before the stream.
	InStream bool
	After    int
}

// Overrides change the builtin model for one request; nil fields leave
// the backend's options in force.
type Overrides struct {
	Pace  *Pace
	Fault *Fault
	Seed  *uint64
}

type overridesKey struct{}

// WithOverrides returns ctx carrying o for the builtin backend.
func WithOverrides(ctx context.Context, o Overrides) context.Context {
	return context.WithValue(ctx, overridesKey{}, o)
}

func overridesFrom(ctx context.Context) Overrides {
	o, _ := ctx.Value(overridesKey{}).(Overrides)
	return o
}

// ParseHeaders reads the X-Rockstream-* headers of an HTTP request. A
// malformed header is an error naming it, so the server can answer 400.
func ParseHeaders(h http.Header) (Overrides, error) {
	var o Overrides
	if v := strings.TrimSpace(h.Get(HeaderPace)); v != "" {
		p, err := ParsePace(v, DefaultPace)
		if err != nil {
			return Overrides{}, fmt.Errorf("%s: %w", HeaderPace, err)
		}
		o.Pace = &p
	}
	if v := strings.TrimSpace(h.Get(HeaderFault)); v != "" {
		f, err := ParseFault(v)
		if err != nil {
			return Overrides{}, fmt.Errorf("%s: %w", HeaderFault, err)
		}
		o.Fault = &f
	}
	if v := strings.TrimSpace(h.Get(HeaderSeed)); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			i, ierr := strconv.ParseInt(v, 10, 64)
			if ierr != nil {
				return Overrides{}, fmt.Errorf("%s: %q is not an integer", HeaderSeed, v)
			}
			n = uint64(i)
		}
		o.Seed = &n
	}
	return o, nil
}

// ParsePace reads "ttft=300ms,tps=40,jitter=0.2" (any subset, in any
// order) over base. "tps=0" without ttft means no delay at all.
func ParsePace(s string, base Pace) (Pace, error) {
	p := base
	var ttftSet, tpsZero bool
	for item := range strings.SplitSeq(s, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return Pace{}, fmt.Errorf("%q: want key=value", item)
		}
		val = strings.TrimSpace(val)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "ttft":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 || d > time.Hour {
				return Pace{}, fmt.Errorf("ttft %q: want a duration between 0 and 1h", val)
			}
			p.FirstToken, ttftSet = d, true
		case "tps":
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				return Pace{}, fmt.Errorf("tps %q: want a number ≥ 0", val)
			}
			p.TokensPerSecond, tpsZero = x, x == 0
		case "jitter":
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || x < 0 || x > 1 || math.IsNaN(x) {
				return Pace{}, fmt.Errorf("jitter %q: want a number between 0 and 1", val)
			}
			p.Jitter = x
		default:
			return Pace{}, fmt.Errorf("unknown key %q (want ttft, tps, jitter)", key)
		}
	}
	if tpsZero && !ttftSet {
		p.FirstToken = 0
	}
	return p, nil
}

// ParseFault reads "<what>[,after=N]" where what is a Bedrock exception
// name, "cut" or "silence=<duration>". Without after, an exception strikes
// before the stream; cut and silence need an event count and default to
// after=0.
func ParseFault(s string) (Fault, error) {
	var f Fault
	what, rest, _ := strings.Cut(s, ",")
	what = strings.TrimSpace(what)
	switch {
	case what == "cut":
		f.Kind, f.InStream = FaultCut, true
	case strings.HasPrefix(what, "silence="):
		d, err := time.ParseDuration(strings.TrimPrefix(what, "silence="))
		if err != nil || d < 0 || d > time.Hour {
			return Fault{}, fmt.Errorf("%q: want silence=<duration up to 1h>", what)
		}
		f.Kind, f.Silence, f.InStream = FaultSilence, d, true
	case rockstream.IsBedrockException(what):
		f.Kind, f.Exception = FaultException, what
	case what == "":
		return Fault{}, errors.New("empty fault")
	default:
		return Fault{}, fmt.Errorf("unknown fault %q (want a Bedrock exception name, cut or silence=<duration>)", what)
	}
	if rest == "" {
		return f, nil
	}
	key, val, ok := strings.Cut(strings.TrimSpace(rest), "=")
	if !ok || strings.TrimSpace(key) != "after" {
		return Fault{}, fmt.Errorf("%q: want after=N", rest)
	}
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil || n < 0 {
		return Fault{}, fmt.Errorf("after %q: want a count ≥ 0", val)
	}
	f.InStream, f.After = true, n
	return f, nil
}

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

// err is the error the fault yields.
func (f Fault) err() error {
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
