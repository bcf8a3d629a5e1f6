package quota

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// answer is a backend whose every stream reports in input and out output
// tokens.
type answer struct{ in, out int }

func (a answer) Stream(context.Context, *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range []rockstream.Event{
			rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: a.in}},
			rockstream.TextDelta{Text: "hi"},
			rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
			rockstream.Metadata{Usage: rockstream.Usage{InputTokens: a.in, OutputTokens: a.out}},
		} {
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// drain runs one request for key and returns its error, if any.
func drain(b rockstream.Backend, key string) error {
	for _, err := range b.Stream(WithKey(context.Background(), key), &rockstream.Request{Model: "m"}) {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestRefusalIsThrottlingWithRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		limits Limits
		code   string
		reason Reason
	}{
		{"requests", Limits{RequestsPerMinute: 1}, "ThrottlingException", ReasonRequests},
		{"budget", Limits{TokenBudget: 1}, "ServiceQuotaExceededException", ReasonBudget},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var refused []Reason
			l := New(Options{Policy: Policy{Keys: map[string]Limits{"k": tt.limits}},
				Now: func() time.Time { return base }, OnRefuse: func(r Reason) { refused = append(refused, r) }})
			b := Wrap(answer{in: 5, out: 5}, l)
			if err := drain(b, "k"); err != nil {
				t.Fatalf("first request: %v", err)
			}
			err := drain(b, "k")
			var e *rockstream.Error
			if !errors.As(err, &e) {
				t.Fatalf("second request: %v, want a *rockstream.Error", err)
			}
			var qe *Error
			if e.Class != rockstream.ClassThrottling || e.StatusCode != http.StatusTooManyRequests || e.Code != tt.code ||
				e.RetryAfter < time.Second || !errors.As(err, &qe) || qe.Reason != tt.reason {
				t.Fatalf("refusal = %+v, want throttling 429 %s with Retry-After, reason %s", e, tt.code, tt.reason)
			}
			if len(refused) != 1 || refused[0] != tt.reason {
				t.Fatalf("OnRefuse saw %v", refused)
			}
			if err := drain(b, "someone else"); err != nil {
				t.Fatalf("a key without limits: %v", err)
			}
		})
	}
}

func TestReplicasShareOneRedis(t *testing.T) {
	t.Parallel()
	rd := redistest.Start(t)
	policy := Policy{Default: Limits{TokensPerMinute: 20}}
	replica := func() rockstream.Backend {
		c := redis.NewClient(&redis.Options{Addr: rd.Addr()})
		t.Cleanup(func() { _ = c.Close() })
		return Wrap(answer{in: 10, out: 10}, New(Options{Policy: policy, Store: NewRedis(c, ""), Now: func() time.Time { return base }}))
	}
	a, b := replica(), replica()
	if err := drain(a, "k"); err != nil {
		t.Fatalf("on A: %v", err)
	}
	if err := drain(b, "k"); err == nil {
		t.Fatal("on B: a key over its tokens on A was let through")
	}
}

func TestStreamSlotHeldUntilTheStreamEnds(t *testing.T) {
	t.Parallel()
	l := New(Options{Policy: Policy{Default: Limits{ConcurrentStreams: 1}}})
	b := Wrap(answer{}, l)
	next, stop := iter.Pull2(b.Stream(context.Background(), &rockstream.Request{}))
	if _, err, _ := next(); err != nil {
		t.Fatalf("first stream: %v", err)
	}
	if err := drain(b, ""); err == nil {
		t.Fatal("a second stream started while the first held the only slot")
	}
	stop() // the reader left mid-stream
	if err := drain(b, ""); err != nil {
		t.Fatalf("after the first stream ended: %v", err)
	}
}

func TestRedisDownFailsOpen(t *testing.T) {
	t.Parallel()
	rd := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: rd.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	var failed []string
	l := New(Options{Policy: Policy{Default: Limits{RequestsPerMinute: 1, ConcurrentStreams: 1, TokensPerMinute: 1}},
		Store: NewRedis(c, ""), OnStoreError: func(op string) { failed = append(failed, op) }})
	rd.Kill()
	for range 3 {
		if err := drain(Wrap(answer{in: 1, out: 1}, l), "k"); err != nil {
			t.Fatalf("with Redis down: %v, want the request let through", err)
		}
	}
	if l.StoreErrors() < 3 || len(failed) < 3 || failed[0] != "admit" {
		t.Fatalf("store errors = %d %v, want each admit counted", l.StoreErrors(), failed)
	}
}
