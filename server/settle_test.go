package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeClock is a settle clock that moves only when told, and records the
// waits asked of it.
type fakeClock struct {
	t     time.Time
	waits []time.Duration
}

func (c *fakeClock) settle(after time.Duration) settle {
	return settle{after: after, now: func() time.Time { return c.t },
		wait: func(_ context.Context, d time.Duration) { c.waits = append(c.waits, d); c.t = c.t.Add(d) }}
}

// goSDKRequest is an HTTP/1.1 request as the AWS SDK for Go v2 sends it.
func goSDKRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/model/m/converse-stream", strings.NewReader(body))
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26 api/bedrockruntime#1.63.13")
	return r
}

func TestSettleHoldsTheFirstByteUntilAfterTheBody(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	var firstWriteAt time.Time
	h := clock.settle(10 * time.Millisecond).handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			t.Error(err)
		}
		clock.t = clock.t.Add(3 * time.Millisecond) // the model's first event
		w.WriteHeader(http.StatusOK)
		if len(clock.waits) != 0 {
			t.Errorf("waited %v before any byte could leave", clock.waits)
		}
		_, _ = w.Write([]byte("frame 1"))
		firstWriteAt = clock.t
		http.NewResponseController(w).Flush()
		_, _ = w.Write([]byte("frame 2"))
	}))
	rec := httptest.NewRecorder()
	start := clock.t
	h.ServeHTTP(rec, goSDKRequest(`{"messages":[]}`))
	if len(clock.waits) != 1 || clock.waits[0] != 7*time.Millisecond {
		t.Errorf("waits %v, want one of 7ms (10ms after the body, 3ms already spent)", clock.waits)
	}
	if got := firstWriteAt.Sub(start); got != 10*time.Millisecond {
		t.Errorf("first byte %v after the body, want 10ms", got)
	}
	if rec.Body.String() != "frame 1frame 2" || !rec.Flushed {
		t.Errorf("body %q flushed %v", rec.Body.String(), rec.Flushed)
	}
}

func TestSettleCostsNothingToASlowFirstEvent(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	h := clock.settle(10 * time.Millisecond).handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		clock.t = clock.t.Add(400 * time.Millisecond)
		_, _ = w.Write([]byte("frame"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), goSDKRequest(`{}`))
	if len(clock.waits) != 0 {
		t.Errorf("waits %v, want none", clock.waits)
	}
}

func TestSettleHoldsAResponseWithoutBody(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	h := clock.settle(10 * time.Millisecond).handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // body unread: the wait counts from now
	}))
	h.ServeHTTP(httptest.NewRecorder(), goSDKRequest(`{}`))
	if len(clock.waits) != 1 || clock.waits[0] != 10*time.Millisecond {
		t.Errorf("waits %v, want one of 10ms", clock.waits)
	}
}

func TestSettleLeavesOtherClientsAlone(t *testing.T) {
	h2 := goSDKRequest(`{}`)
	h2.ProtoMajor, h2.ProtoMinor, h2.Proto = 2, 0, "HTTP/2.0"
	boto := goSDKRequest(`{}`)
	boto.Header.Set("User-Agent", "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux")
	get := httptest.NewRequest(http.MethodGet, "/foundation-models", nil)
	get.Header.Set("User-Agent", "aws-sdk-go-v2/1.48.0")
	for name, r := range map[string]*http.Request{"h2c": h2, "boto3": boto, "no body": get} {
		t.Run(name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1000, 0)}
			h := clock.settle(10 * time.Millisecond).handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				_, _ = w.Write([]byte("ok"))
			}))
			h.ServeHTTP(httptest.NewRecorder(), r)
			if len(clock.waits) != 0 {
				t.Errorf("waits %v, want none", clock.waits)
			}
		})
	}
}

func TestSettleWaitEndsWithTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		sleepCtx(ctx, time.Hour)
		close(done)
	}()
	<-done // a test timeout here means the wait ignored its context
}
