package override

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Pace is how fast a generating backend answers.
type Pace struct {
	// FirstToken is the delay before the first generated token.
	FirstToken time.Duration
	// TokensPerSecond paces the tokens after the first; zero means no delay.
	TokensPerSecond float64
	// Jitter varies each gap by up to this fraction either way (0 to 1).
	Jitter float64
}

// DefaultPace is a real model's: about 400ms to the first token, then
// about 50 tokens per second. A pace header's missing fields are its.
var DefaultPace = Pace{FirstToken: 400 * time.Millisecond, TokensPerSecond: 50, Jitter: 0.2}

// Bounds of a pace, so that a typo cannot park a stream for days or spin
// a generator without pause: a first token within MaxFirstToken, and a
// rate of zero (no delay) or between MinTokensPerSecond and
// MaxTokensPerSecond.
const (
	MaxFirstToken      = 10 * time.Minute
	MinTokensPerSecond = 0.01
	MaxTokensPerSecond = 100_000
)

// FieldError is a malformed or out-of-range setting. Field names it as
// the caller wrote it (ttft, tps, jitter, silence, after, …); Want says
// what is accepted.
type FieldError struct {
	Field string
	Value string
	Want  string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%q: want %s", e.Value, e.Want)
	}
	return fmt.Sprintf("%s %q: want %s", e.Field, e.Value, e.Want)
}

// ParsePace reads "ttft=300ms,tps=40,jitter=0.2" (any subset, in any
// order) over base. "tps=0" without ttft means no delay at all.
func ParsePace(s string, base Pace) (Pace, error) {
	p := base
	var ttftSet, tpsZero bool
	for item := range strings.SplitSeq(s, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return Pace{}, &FieldError{Value: item, Want: "key=value"}
		}
		val = strings.TrimSpace(val)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "ttft":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 || d > MaxFirstToken {
				return Pace{}, &FieldError{Field: "ttft", Value: val, Want: "a duration between 0s and " + MaxFirstToken.String()}
			}
			p.FirstToken, ttftSet = d, true
		case "tps":
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(x) || x != 0 && (x < MinTokensPerSecond || x > MaxTokensPerSecond) {
				return Pace{}, &FieldError{Field: "tps", Value: val,
					Want: fmt.Sprintf("0 (no delay) or tokens per second between %g and %g", float64(MinTokensPerSecond), float64(MaxTokensPerSecond))}
			}
			p.TokensPerSecond, tpsZero = x, x == 0
		case "jitter":
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(x) || x < 0 || x > 1 {
				return Pace{}, &FieldError{Field: "jitter", Value: val, Want: "a fraction between 0 and 1"}
			}
			p.Jitter = x
		default:
			return Pace{}, &FieldError{Value: key, Want: "one of the keys ttft, tps, jitter"}
		}
	}
	if tpsZero && !ttftSet {
		p.FirstToken = 0
	}
	return p, nil
}
