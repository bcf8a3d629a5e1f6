package builtin

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/override"
)

func request(model, prompt string) *rockstream.Request {
	return &rockstream.Request{Model: model, MaxTokens: 200, Messages: []rockstream.Message{rockstream.UserText(prompt)}}
}

func TestRulesFile(t *testing.T) {
	t.Parallel()
	rules, err := LoadRules(filepath.Join("testdata", "rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	b := New(Options{Pace: &Pace{}, Rules: rules})
	tests := []struct {
		name       string
		req        *rockstream.Request
		wantEvents int // -1 for a complete stream
		wantCode   string
		wantMsg    string
		wantErr    error
	}{
		{"prompt rule with message", request(catalog.DefaultModel, "a flaky request"), 0, "ThrottlingException", "Slow down, please.", nil},
		{"model rule after events", request("meta.llama3-8b-instruct-v1:0", "hello"), 4, "ModelStreamErrorException", exceptionMessages["ModelStreamErrorException"], nil},
		{"model and prompt", request("amazon.titan-text-express-v1", "please cut me off"), 2, "", "", rockstream.ErrAbort},
		{"no rule matches", request(catalog.DefaultModel, "hello"), -1, "", "", nil},
		{"pace-only rule", request("amazon.nova-micro-v1:0", "hello"), -1, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := collect(t, context.Background(), b, tt.req)
			switch {
			case tt.wantEvents < 0:
				if err != nil {
					t.Fatal(err)
				}
				accumulate(t, evs)
				return
			case len(evs) != tt.wantEvents:
				t.Errorf("%d events, want %d", len(evs), tt.wantEvents)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Code != tt.wantCode || e.Message != tt.wantMsg {
				t.Fatalf("err %v, want %s: %s", err, tt.wantCode, tt.wantMsg)
			}
		})
	}
	// Paces: the first matching rule that sets one; headers win.
	if _, p := rules.match("amazon.titan-text-express-v1", "amazon.titan-text-express-v1", "hi"); p == nil || p.FirstToken != 2*time.Second || p.TokensPerSecond != 10 {
		t.Errorf("titan pace %+v", p)
	}
	if _, p := rules.match("amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0", "hi"); p == nil || *p != (Pace{Jitter: DefaultPace.Jitter}) {
		t.Errorf("nova pace %+v", p)
	}
	f := Fault{Kind: FaultCut, InStream: true, After: 1}
	ctx := override.With(context.Background(), Overrides{Fault: &f})
	if evs, err := collect(t, ctx, b, request(catalog.DefaultModel, "a flaky request")); len(evs) != 1 || !errors.Is(err, rockstream.ErrAbort) {
		t.Errorf("header fault did not win over the rule: %d events, %v", len(evs), err)
	}
}

func TestParseRulesErrors(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		``, `[]`, `{"rules":[{"model":"(","fault":"cut"}]}`, `{"rules":[{"prompt":"[","fault":"cut"}]}`,
		`{"rules":[{"fault":"Nope"}]}`, `{"rules":[{"pace":"tps=x"}]}`, `{"rules":[{"model":"x"}]}`,
		`{"rules":[{"modle":"x","fault":"cut"}]}`, `{"quotas":[{"model":"(","requestsPerMinute":1}]}`,
		`{"quotas":[{"requestsPerMinute":-1}]}`, `{"rules":[]} {}`,
	} {
		if _, err := ParseRules([]byte(data)); err == nil {
			t.Errorf("ParseRules(%s) accepted", data)
		}
	}
}

// clock is a fake time source for quota tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestQuotas(t *testing.T) {
	t.Parallel()
	rules, err := LoadRules(filepath.Join("testdata", "rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := New(Options{Pace: &Pace{}, Rules: rules, Now: clk.Now})
	throttled := func(req *rockstream.Request) string {
		t.Helper()
		evs, err := collect(t, context.Background(), b, req)
		if err == nil {
			accumulate(t, evs)
			return ""
		}
		var e *rockstream.Error
		if !errors.As(err, &e) || e.Code != "ThrottlingException" || e.StatusCode != 429 || !e.Retryable || len(evs) != 0 {
			t.Fatalf("err %v after %d events, want pre-stream ThrottlingException", err, len(evs))
		}
		return e.Message
	}
	const tooManyRequests = "Too many requests, please wait before trying again."
	const tooManyTokens = "Too many tokens, please wait before trying again."

	haiku := request("anthropic.claude-3-haiku-20240307-v1:0", "hello")
	for i, want := range []string{"", "", tooManyRequests} {
		if got := throttled(haiku); got != want {
			t.Fatalf("request %d: %q, want %q", i, got, want)
		}
	}
	// Another model has its own bucket; unmatched models have none.
	if got := throttled(request("us.anthropic.claude-3-haiku-20240307-v1:0", "hello")); got != tooManyRequests {
		t.Errorf("the profile shares the model's bucket: got %q", got)
	}
	if got := throttled(request(catalog.DefaultModel, "hello")); got != "" {
		t.Errorf("unlimited model throttled: %q", got)
	}
	clk.Add(30 * time.Second) // refills one request of two per minute
	if got := throttled(haiku); got != "" {
		t.Errorf("after 30s: %q", got)
	}
	if got := throttled(haiku); got != tooManyRequests {
		t.Errorf("second after 30s: %q", got)
	}

	// Tokens: each request costs its input and output tokens.
	mistral := request("mistral.mistral-7b-instruct-v0:2", "Tell me a story about a lighthouse keeper.")
	mistral.MaxTokens = 300
	cost := InputTokens(mistral) + len(Tokens(mistral))
	if n := 1000 / cost; n < 1 || n > 5 {
		t.Fatalf("cost %d does not suit the test's 1000-token quota", cost)
	}
	for i := range 1000 / cost {
		if got := throttled(mistral); got != "" {
			t.Fatalf("request %d of %d tokens: %q", i, cost, got)
		}
	}
	if got := throttled(mistral); got != tooManyTokens {
		t.Errorf("over the token quota: %q", got)
	}
	clk.Add(time.Minute)
	if got := throttled(mistral); got != "" {
		t.Errorf("after a minute: %q", got)
	}
}

func FuzzRules(f *testing.F) {
	f.Add(`{"rules":[{"model":"x","prompt":"y","fault":"cut,after=1","pace":"tps=1"}],"quotas":[{"model":"m","requestsPerMinute":1,"tokensPerMinute":5}]}`)
	f.Add(`{"rules":[{"fault":"ThrottlingException","message":"m"}]}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, data string) {
		r, err := ParseRules([]byte(data))
		if err != nil {
			return
		}
		for _, ru := range r.rules {
			if ru.fault == nil && ru.pace == nil {
				t.Fatal("rule without effect accepted")
			}
		}
		r.match("model", "model", strings.Repeat("p", 3))
		var q quotaState
		q.take(r, "m", "m", 10, time.Unix(0, 0))
	})
}
