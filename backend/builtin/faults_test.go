package builtin

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	full, err := collect(t, context.Background(), New(fast), storyRequest())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fault      string
		wantEvents int
		wantCode   string // Bedrock exception, or "" for the others
		wantErr    error  // for cut
		inStream   bool
	}{
		{"ThrottlingException", 0, "ThrottlingException", nil, false},
		{"ServiceUnavailableException", 0, "ServiceUnavailableException", nil, false},
		{"ModelStreamErrorException,after=3", 3, "ModelStreamErrorException", nil, true},
		{"InternalServerException,after=0", 0, "InternalServerException", nil, true},
		{"cut,after=5", 5, "", rockstream.ErrAbort, true},
		{"cut", 0, "", rockstream.ErrAbort, true},
		{"ModelTimeoutException,after=100000", len(full) - 2, "ModelTimeoutException", nil, true},
		{"silence=1ms,after=4", len(full), "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			f, err := ParseFault(tt.fault)
			if err != nil {
				t.Fatal(err)
			}
			ctx := WithOverrides(context.Background(), Overrides{Fault: &f})
			evs, err := collect(t, ctx, New(fast), storyRequest())
			if len(evs) != tt.wantEvents {
				t.Errorf("%d events before the fault, want %d", len(evs), tt.wantEvents)
			}
			if !slices.Equal(withoutMetrics(evs), withoutMetrics(full[:len(evs)])) {
				t.Error("events before the fault differ from the plain stream")
			}
			switch {
			case tt.wantCode != "":
				var e *rockstream.Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.InStream != tt.inStream || e.Message == "" {
					t.Fatalf("err %#v; want %s (in stream %v)", err, tt.wantCode, tt.inStream)
				}
				if e.Message != exceptionMessages[tt.wantCode] {
					t.Errorf("message %q, want Bedrock's usual one", e.Message)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("err %v, want a complete stream", err)
				}
			}
		})
	}
}

func TestSilenceCancelled(t *testing.T) {
	t.Parallel()
	f := Fault{Kind: FaultSilence, Silence: time.Hour, InStream: true, After: 2}
	ctx, cancel := context.WithCancel(WithOverrides(context.Background(), Overrides{Fault: &f}))
	defer cancel()
	var n int
	var gotErr error
	for ev, err := range New(fast).Stream(ctx, storyRequest()) {
		if err != nil {
			gotErr = err
			break
		}
		n++
		if _, ok := ev.(rockstream.BlockStart); ok {
			cancel() // the silence that follows must end with the context
		}
	}
	if n != 2 || !errors.Is(gotErr, context.Canceled) {
		t.Fatalf("%d events then %v; want 2 then context.Canceled", n, gotErr)
	}
}

func TestParseHeaders(t *testing.T) {
	t.Parallel()
	seed := uint64(42)
	neg := uint64(1<<64 - 1)
	tests := []struct {
		name    string
		headers map[string]string
		want    Overrides
		wantErr bool
	}{
		{"none", nil, Overrides{}, false},
		{"full pace", map[string]string{HeaderPace: "ttft=300ms,tps=40,jitter=0.2"},
			Overrides{Pace: &Pace{FirstToken: 300 * time.Millisecond, TokensPerSecond: 40, Jitter: 0.2}}, false},
		{"tps only keeps default ttft", map[string]string{HeaderPace: "tps=10"},
			Overrides{Pace: &Pace{FirstToken: DefaultPace.FirstToken, TokensPerSecond: 10, Jitter: DefaultPace.Jitter}}, false},
		{"tps=0 is no delay", map[string]string{HeaderPace: "tps=0"},
			Overrides{Pace: &Pace{Jitter: DefaultPace.Jitter}}, false},
		{"tps=0 with ttft", map[string]string{HeaderPace: " ttft=1s , tps=0 "},
			Overrides{Pace: &Pace{FirstToken: time.Second, Jitter: DefaultPace.Jitter}}, false},
		{"exception before", map[string]string{HeaderFault: "ThrottlingException"},
			Overrides{Fault: &Fault{Kind: FaultException, Exception: "ThrottlingException"}}, false},
		{"exception after", map[string]string{HeaderFault: "ModelStreamErrorException,after=12"},
			Overrides{Fault: &Fault{Kind: FaultException, Exception: "ModelStreamErrorException", InStream: true, After: 12}}, false},
		{"cut", map[string]string{HeaderFault: "cut,after=3"}, Overrides{Fault: &Fault{Kind: FaultCut, InStream: true, After: 3}}, false},
		{"silence", map[string]string{HeaderFault: "silence=5s,after=2"},
			Overrides{Fault: &Fault{Kind: FaultSilence, Silence: 5 * time.Second, InStream: true, After: 2}}, false},
		{"seed", map[string]string{HeaderSeed: "42"}, Overrides{Seed: &seed}, false},
		{"negative seed", map[string]string{HeaderSeed: "-1"}, Overrides{Seed: &neg}, false},
		{"all", map[string]string{HeaderSeed: "42", HeaderFault: "cut", HeaderPace: "tps=5"},
			Overrides{Seed: &seed, Fault: &Fault{Kind: FaultCut, InStream: true},
				Pace: &Pace{FirstToken: DefaultPace.FirstToken, TokensPerSecond: 5, Jitter: DefaultPace.Jitter}}, false},
		{"bad pace key", map[string]string{HeaderPace: "speed=3"}, Overrides{}, true},
		{"bad pace value", map[string]string{HeaderPace: "tps=-1"}, Overrides{}, true},
		{"bad jitter", map[string]string{HeaderPace: "jitter=2"}, Overrides{}, true},
		{"bad ttft", map[string]string{HeaderPace: "ttft=soon"}, Overrides{}, true},
		{"pace without =", map[string]string{HeaderPace: "fast"}, Overrides{}, true},
		{"unknown exception", map[string]string{HeaderFault: "OopsException"}, Overrides{}, true},
		{"bad after", map[string]string{HeaderFault: "cut,after=-2"}, Overrides{}, true},
		{"bad option", map[string]string{HeaderFault: "cut,before=2"}, Overrides{}, true},
		{"bad silence", map[string]string{HeaderFault: "silence=forever"}, Overrides{}, true},
		{"bad seed", map[string]string{HeaderSeed: "x"}, Overrides{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, err := ParseHeaders(h)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("ttft=300ms,tps=40,jitter=0.2", "ModelStreamErrorException,after=3", "42")
	f.Add("tps=0", "silence=5s,after=1", "-7")
	f.Add("", "cut", "")
	f.Fuzz(func(t *testing.T, pace, fault, seed string) {
		h := http.Header{}
		h.Set(HeaderPace, pace)
		h.Set(HeaderFault, fault)
		h.Set(HeaderSeed, seed)
		o, err := ParseHeaders(h)
		if err != nil {
			return
		}
		if p := o.Pace; p != nil && (p.FirstToken < 0 || p.TokensPerSecond < 0 || p.Jitter < 0 || p.Jitter > 1) {
			t.Fatalf("accepted pace %+v", p)
		}
		if fl := o.Fault; fl != nil {
			if fl.After < 0 || fl.Kind < FaultException || fl.Kind > FaultSilence {
				t.Fatalf("accepted fault %+v", fl)
			}
			if fl.Kind == FaultException && !rockstream.IsBedrockException(fl.Exception) {
				t.Fatalf("accepted exception %q", fl.Exception)
			}
		}
	})
}
