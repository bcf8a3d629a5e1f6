package quota

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream/internal/redistest"
)

// stores are the Store implementations every store test runs against.
func stores(t *testing.T) map[string]func() Store {
	t.Helper()
	return map[string]func() Store{
		"memory": func() Store { return NewMemory() },
		"redis": func() Store {
			c := redis.NewClient(&redis.Options{Addr: redistest.Start(t).Addr()})
			t.Cleanup(func() { _ = c.Close() })
			return NewRedis(c, "")
		},
	}
}

// base is a fixed instant 10 s into a minute.
var base = time.Date(2025, 3, 1, 12, 0, 10, 0, time.UTC)

func TestStoreLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, newStore := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("requests per minute, reset by the next minute", func(t *testing.T) {
				s := newStore()
				l := Limits{RequestsPerMinute: 2}
				for i := range 2 {
					mustAdmit(t, s, "k", l, "", base.Add(time.Duration(i)*time.Second))
				}
				d := admit(t, s, "k", l, "", base.Add(5*time.Second))
				if d.Allowed || d.Reason != ReasonRequests || d.RetryAfter != 45*time.Second {
					t.Fatalf("third request: %+v, want refused by requests with 45s left", d)
				}
				if d := admit(t, s, "other", l, "", base); !d.Allowed {
					t.Fatalf("another key was refused: %+v", d)
				}
				mustAdmit(t, s, "k", l, "", base.Add(time.Minute))
			})
			t.Run("tokens per minute", func(t *testing.T) {
				s := newStore()
				l := Limits{TokensPerMinute: 100}
				mustAdmit(t, s, "k", l, "", base)
				if err := s.Charge(ctx, "k", l, 99, base); err != nil {
					t.Fatal(err)
				}
				mustAdmit(t, s, "k", l, "", base)
				if err := s.Charge(ctx, "k", l, 1, base); err != nil {
					t.Fatal(err)
				}
				if d := admit(t, s, "k", l, "", base); d.Allowed || d.Reason != ReasonTokens {
					t.Fatalf("after 100 tokens: %+v, want refused by tokens", d)
				}
				mustAdmit(t, s, "k", l, "", base.Add(time.Minute))
			})
			t.Run("token budget outlives the minute", func(t *testing.T) {
				s := newStore()
				l := Limits{TokenBudget: 50, BudgetPeriod: time.Hour}
				mustAdmit(t, s, "k", l, "", base)
				if err := s.Charge(ctx, "k", l, 60, base); err != nil {
					t.Fatal(err)
				}
				d := admit(t, s, "k", l, "", base.Add(2*time.Minute))
				if d.Allowed || d.Reason != ReasonBudget || d.RetryAfter != time.Hour-2*time.Minute-10*time.Second {
					t.Fatalf("budget spent: %+v, want refused until the hour ends", d)
				}
				mustAdmit(t, s, "k", l, "", base.Add(time.Hour))
			})
			t.Run("concurrent streams released", func(t *testing.T) {
				s := newStore()
				l := Limits{ConcurrentStreams: 1}
				mustAdmit(t, s, "k", l, "a", base)
				if d := admit(t, s, "k", l, "b", base); d.Allowed || d.Reason != ReasonStreams {
					t.Fatalf("second stream: %+v, want refused by streams", d)
				}
				if err := s.Release(ctx, "k", "a"); err != nil {
					t.Fatal(err)
				}
				mustAdmit(t, s, "k", l, "b", base)
			})
			t.Run("a lease nobody renews lapses", func(t *testing.T) {
				s := newStore()
				l := Limits{ConcurrentStreams: 1}
				mustAdmit(t, s, "k", l, "crashed", base)
				if d := admit(t, s, "k", l, "b", base.Add(29*time.Second)); d.Allowed {
					t.Fatal("a live lease was ignored")
				}
				mustAdmit(t, s, "k", l, "b", base.Add(31*time.Second))
			})
			t.Run("a renewed lease holds", func(t *testing.T) {
				s := newStore()
				l := Limits{ConcurrentStreams: 1}
				mustAdmit(t, s, "k", l, "a", base)
				if err := s.Renew(ctx, "k", "a", 30*time.Second, base.Add(20*time.Second)); err != nil {
					t.Fatal(err)
				}
				if d := admit(t, s, "k", l, "b", base.Add(40*time.Second)); d.Allowed {
					t.Fatal("a renewed lease lapsed")
				}
			})
		})
	}
}

func admit(t *testing.T, s Store, key string, l Limits, lease string, now time.Time) Decision {
	t.Helper()
	d, err := s.Admit(context.Background(), key, l, lease, 30*time.Second, now)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustAdmit(t *testing.T, s Store, key string, l Limits, lease string, now time.Time) {
	t.Helper()
	if d := admit(t, s, key, l, lease, now); !d.Allowed {
		t.Fatalf("refused at %s: %+v", now.Format(time.TimeOnly), d)
	}
}
