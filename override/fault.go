package override

import (
	"strconv"
	"strings"
	"time"

	"github.com/rockstream/rockstream"
)

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

// Bounds of a fault: a silence within MaxSilence, striking after at most
// MaxAfter events.
const (
	MaxSilence = time.Hour
	MaxAfter   = 1_000_000
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
		val := strings.TrimPrefix(what, "silence=")
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 || d > MaxSilence {
			return Fault{}, &FieldError{Field: "silence", Value: val, Want: "a duration between 0s and " + MaxSilence.String()}
		}
		f.Kind, f.Silence, f.InStream = FaultSilence, d, true
	case rockstream.IsBedrockException(what):
		f.Kind, f.Exception = FaultException, what
	default:
		return Fault{}, &FieldError{Field: "fault", Value: what, Want: "a Bedrock exception name, cut or silence=<duration>"}
	}
	if rest == "" {
		return f, nil
	}
	key, val, ok := strings.Cut(strings.TrimSpace(rest), "=")
	if !ok || strings.TrimSpace(key) != "after" {
		return Fault{}, &FieldError{Value: rest, Want: "after=N"}
	}
	val = strings.TrimSpace(val)
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 || n > MaxAfter {
		return Fault{}, &FieldError{Field: "after", Value: val, Want: "an event count between 0 and " + strconv.Itoa(MaxAfter)}
	}
	f.InStream, f.After = true, n
	return f, nil
}
