package builtin

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/override"
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
			ctx := override.With(context.Background(), Overrides{Fault: &f})
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
	ctx, cancel := context.WithCancel(override.With(context.Background(), Overrides{Fault: &f}))
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
