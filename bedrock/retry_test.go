package bedrock

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestRetries(t *testing.T) {
	t.Parallel()
	start, _, deltas := claudeChunks("a", "b")
	throttled := exceptionFrame(t, "throttlingException", `{"message":"Too many tokens, please wait before trying again."}`)
	tests := []struct {
		name        string
		maxAttempts int
		// answer serves request number hit (from 1).
		answer    func(t *testing.T, w http.ResponseWriter, hit int)
		wantHits  int32
		wantText  string
		wantClass rockstream.ErrorClass // empty: success
	}{
		{
			name: "throttled twice then success",
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				if hit <= 2 {
					writeError(w, 429, "ThrottlingException", "Too many requests, please wait before trying again.")
					return
				}
				startStream(w)
				writeFrames(w, claudeFrames(t, "a", "b")...)
			},
			wantHits: 3, wantText: "ab",
		},
		{
			name: "exception frame before the first event is retried",
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				startStream(w)
				if hit == 1 {
					writeFrames(w, throttled)
					return
				}
				writeFrames(w, claudeFrames(t, "a", "b")...)
			},
			wantHits: 2, wantText: "ab",
		},
		{
			name: "model not ready then success",
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				if hit == 1 {
					writeError(w, 429, "ModelNotReadyException", "Model is loading")
					return
				}
				startStream(w)
				writeFrames(w, claudeFrames(t, "a", "b")...)
			},
			wantHits: 2, wantText: "ab",
		},
		{
			name: "throttling after two events is not retried",
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				startStream(w)
				for _, c := range append(start, deltas...) {
					writeFrames(w, chunkFrame(t, c))
				}
				writeFrames(w, throttled)
			},
			wantHits: 1, wantText: "ab", wantClass: rockstream.ClassThrottling,
		},
		{
			name: "validation is not retried",
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				writeError(w, 400, "ValidationException", "Malformed input request")
			},
			wantHits: 1, wantClass: rockstream.ClassValidation,
		},
		{
			name:        "one attempt",
			maxAttempts: 1,
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				writeError(w, 500, "InternalServerException", "oops")
			},
			wantHits: 1, wantClass: rockstream.ClassInternal,
		},
		{
			name:        "two attempts",
			maxAttempts: 2,
			answer: func(t *testing.T, w http.ResponseWriter, hit int) {
				writeError(w, 503, "ServiceUnavailableException", "Bedrock is unable to process your request.")
			},
			wantHits: 2, wantClass: rockstream.ClassUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			forTransports(t, func(t *testing.T, direct bool) {
				t.Parallel()
				var hits atomic.Int32
				srv := newTLSServer(t, counted(&hits, func(w http.ResponseWriter, r *http.Request, hit int) { tt.answer(t, w, hit) }))
				c := newTestClient(t, srv, Options{Direct: direct, MaxAttempts: tt.maxAttempts})
				events, err := collect(c, textRequest("x"))
				if got := textOf(events); got != tt.wantText {
					t.Errorf("text %q, want %q", got, tt.wantText)
				}
				if hits.Load() != tt.wantHits {
					t.Errorf("%d requests, want %d", hits.Load(), tt.wantHits)
				}
				switch {
				case tt.wantClass == "" && err != nil:
					t.Errorf("error %v", err)
				case tt.wantClass != "" && (err == nil || asError(t, err).Class != tt.wantClass):
					t.Errorf("error %v, want class %s", err, tt.wantClass)
				}
			})
		})
	}
}

func TestRetryHonoursContextDuringBackoff(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cancel() // the caller gives up while the client waits to retry
			writeError(w, 429, "ThrottlingException", "Too many requests")
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		c.backoff = func(int) time.Duration { return time.Hour }
		var err error
		for _, e := range c.Stream(ctx, textRequest("x")) {
			err = e
		}
		if !errors.Is(err, context.Canceled) || asError(t, err).Class != rockstream.ClassInterrupted {
			t.Errorf("error %v, want a cancelled stream", err)
		}
	})
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 30; n++ {
		want := min(backoffBase<<min(n-1, 16), backoffMax)
		for range 20 {
			if d := jitteredBackoff(n); d < want/2 || d > want {
				t.Fatalf("jitteredBackoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
	c := &Client{backoff: func(int) time.Duration { return time.Millisecond }}
	if d := c.waitBefore(1, &rockstream.Error{RetryAfter: 3 * time.Second}); d != 3*time.Second {
		t.Errorf("wait %v, want the server's Retry-After of 3s", d)
	}
	if d := c.waitBefore(1, &rockstream.Error{RetryAfter: time.Hour}); d != backoffMax {
		t.Errorf("wait %v, want Retry-After capped at %v", d, backoffMax)
	}
}
