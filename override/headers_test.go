package override

import (
	"errors"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestParseHeaders(t *testing.T) {
	t.Parallel()
	seed := uint64(42)
	neg := uint64(1<<64 - 1)
	tests := []struct {
		name    string
		headers map[string]string
		want    Overrides
		wantErr string // the header the error names; empty for success
	}{
		{"none", nil, Overrides{}, ""},
		{"full pace", map[string]string{HeaderPace: "ttft=300ms,tps=40,jitter=0.2"},
			Overrides{Pace: &Pace{FirstToken: 300 * time.Millisecond, TokensPerSecond: 40, Jitter: 0.2}}, ""},
		{"tps only keeps default ttft", map[string]string{HeaderPace: "tps=10"},
			Overrides{Pace: &Pace{FirstToken: DefaultPace.FirstToken, TokensPerSecond: 10, Jitter: DefaultPace.Jitter}}, ""},
		{"tps=0 is no delay", map[string]string{HeaderPace: "tps=0"},
			Overrides{Pace: &Pace{Jitter: DefaultPace.Jitter}}, ""},
		{"tps=0 with ttft", map[string]string{HeaderPace: " ttft=1s , tps=0 "},
			Overrides{Pace: &Pace{FirstToken: time.Second, Jitter: DefaultPace.Jitter}}, ""},
		{"exception before", map[string]string{HeaderFault: "ThrottlingException"},
			Overrides{Fault: &Fault{Kind: FaultException, Exception: "ThrottlingException"}}, ""},
		{"exception after", map[string]string{HeaderFault: "ModelStreamErrorException,after=12"},
			Overrides{Fault: &Fault{Kind: FaultException, Exception: "ModelStreamErrorException", InStream: true, After: 12}}, ""},
		{"cut", map[string]string{HeaderFault: "cut,after=3"}, Overrides{Fault: &Fault{Kind: FaultCut, InStream: true, After: 3}}, ""},
		{"silence", map[string]string{HeaderFault: "silence=5s,after=2"},
			Overrides{Fault: &Fault{Kind: FaultSilence, Silence: 5 * time.Second, InStream: true, After: 2}}, ""},
		{"seed", map[string]string{HeaderSeed: "42"}, Overrides{Seed: &seed}, ""},
		{"negative seed", map[string]string{HeaderSeed: "-1"}, Overrides{Seed: &neg}, ""},
		{"all", map[string]string{HeaderSeed: "42", HeaderFault: "cut", HeaderPace: "tps=5"},
			Overrides{Seed: &seed, Fault: &Fault{Kind: FaultCut, InStream: true},
				Pace: &Pace{FirstToken: DefaultPace.FirstToken, TokensPerSecond: 5, Jitter: DefaultPace.Jitter}}, ""},
		{"bad pace key", map[string]string{HeaderPace: "speed=3"}, Overrides{}, HeaderPace},
		{"pace without =", map[string]string{HeaderPace: "fast"}, Overrides{}, HeaderPace},
		{"unknown exception", map[string]string{HeaderFault: "OopsException"}, Overrides{}, HeaderFault},
		{"bad option", map[string]string{HeaderFault: "cut,before=2"}, Overrides{}, HeaderFault},
		{"bad seed", map[string]string{HeaderSeed: "x"}, Overrides{}, HeaderSeed},
		{"seed too big", map[string]string{HeaderSeed: "18446744073709551616"}, Overrides{}, HeaderSeed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, err := ParseHeaders(h)
			var he *HeaderError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (!errors.As(err, &he) || he.Header != tt.wantErr):
				t.Fatalf("error %v, want a *HeaderError naming %s", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestPaceBounds checks each field's range, and that an error names the
// field and the range it wants.
func TestPaceBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		field     string // empty when accepted
		wantRange string
	}{
		{"tps=0", "", ""},
		{"tps=0.01", "", ""},
		{"tps=100000", "", ""},
		{"tps=1e-9", "tps", "between 0.01 and 100000"},
		{"tps=0.009", "tps", "between 0.01 and 100000"},
		{"tps=100001", "tps", "between 0.01 and 100000"},
		{"tps=-1", "tps", "between 0.01 and 100000"},
		{"tps=NaN", "tps", "between 0.01 and 100000"},
		{"tps=Inf", "tps", "between 0.01 and 100000"},
		{"tps=fast", "tps", "between 0.01 and 100000"},
		{"ttft=0s", "", ""},
		{"ttft=10m", "", ""},
		{"ttft=10m1s", "ttft", "between 0s and 10m0s"},
		{"ttft=-1ms", "ttft", "between 0s and 10m0s"},
		{"ttft=soon", "ttft", "between 0s and 10m0s"},
		{"jitter=0", "", ""},
		{"jitter=1", "", ""},
		{"jitter=1.01", "jitter", "between 0 and 1"},
		{"jitter=-0.1", "jitter", "between 0 and 1"},
		{"jitter=NaN", "jitter", "between 0 and 1"},
	}
	for _, tt := range tests {
		_, err := ParsePace(tt.in, DefaultPace)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(err.Error(), tt.wantRange) {
			t.Errorf("%s: error %v, want one naming %s and %q", tt.in, err, tt.field, tt.wantRange)
		}
	}
}

func TestFaultBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		field     string
		wantRange string
	}{
		{"silence=1h,after=1", "", ""},
		{"silence=1h1s", "silence", "between 0s and 1h0m0s"},
		{"silence=-1s", "silence", "between 0s and 1h0m0s"},
		{"silence=forever", "silence", "between 0s and 1h0m0s"},
		{"cut,after=1000000", "", ""},
		{"cut,after=1000001", "after", "between 0 and 1000000"},
		{"cut,after=-2", "after", "between 0 and 1000000"},
		{"cut,after=99999999999999999999", "after", "between 0 and 1000000"},
		{"", "fault", "a Bedrock exception name"},
	}
	for _, tt := range tests {
		_, err := ParseFault(tt.in)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(err.Error(), tt.wantRange) {
			t.Errorf("%q: error %v, want one naming %s and %q", tt.in, err, tt.field, tt.wantRange)
		}
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if got := From(ctx); !got.IsZero() {
		t.Errorf("empty context carries %+v", got)
	}
	if With(ctx, Overrides{}) != ctx {
		t.Error("a zero Overrides made a new context")
	}
	seed := uint64(7)
	got := From(With(ctx, Overrides{Seed: &seed}))
	if got.Seed == nil || *got.Seed != 7 || got.Pace != nil || got.Fault != nil {
		t.Errorf("From = %+v", got)
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("ttft=300ms,tps=40,jitter=0.2", "ModelStreamErrorException,after=3", "42")
	f.Add("tps=0", "silence=5s,after=1", "-7")
	f.Add("tps=1e-9", "cut,after=1e6", "")
	f.Add("", "cut", "")
	f.Fuzz(func(t *testing.T, pace, fault, seed string) {
		h := http.Header{}
		h.Set(HeaderPace, pace)
		h.Set(HeaderFault, fault)
		h.Set(HeaderSeed, seed)
		o, err := ParseHeaders(h)
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("error %T %v is not a *HeaderError", err, err)
			}
			return
		}
		if p := o.Pace; p != nil {
			tps := p.TokensPerSecond
			if p.FirstToken < 0 || p.FirstToken > MaxFirstToken || p.Jitter < 0 || p.Jitter > 1 || math.IsNaN(p.Jitter) ||
				tps != 0 && (tps < MinTokensPerSecond || tps > MaxTokensPerSecond) || math.IsNaN(tps) {
				t.Fatalf("accepted pace %+v", p)
			}
		}
		if fl := o.Fault; fl != nil {
			if fl.After < 0 || fl.After > MaxAfter || fl.Silence < 0 || fl.Silence > MaxSilence || fl.Kind < FaultException || fl.Kind > FaultSilence {
				t.Fatalf("accepted fault %+v", fl)
			}
			if fl.Kind == FaultException && !rockstream.IsBedrockException(fl.Exception) {
				t.Fatalf("accepted exception %q", fl.Exception)
			}
		}
	})
}
