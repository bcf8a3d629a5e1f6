package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/quota"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/gateway"
)

// TestQuotaRefusalInCallersDialect: a key over its quota is refused before
// its stream with 429, Retry-After and the throttling error of the
// endpoint's own dialect, on the Bedrock runtime (strict keys) and on both
// gateway dialects (resumable streams, as serve runs them).
func TestQuotaRefusalInCallersDialect(t *testing.T) {
	t.Parallel()
	streamPath := strings.Replace(haikuPath, "/invoke", "/invoke-with-response-stream", 1)
	calls := []struct {
		frontendCall
		limits   quota.Limits
		wantType string
	}{
		{frontendCall{"bedrock", streamPath, labBody, http.Header{"Authorization": {"Bearer k"}}},
			quota.Limits{RequestsPerMinute: 1}, "ThrottlingException"},
		{frontendCall{"bedrock", streamPath, labBody, http.Header{"Authorization": {"Bearer k"}}},
			quota.Limits{TokenBudget: 1}, "ServiceQuotaExceededException"},
		{frontendCall{"openai", "/v1/chat/completions", strings.Replace(openaiBody, "{", `{"stream":true,`, 1),
			http.Header{"Authorization": {"Bearer k"}}}, quota.Limits{RequestsPerMinute: 1}, "rate_limit_error"},
		{frontendCall{"anthropic", "/v1/messages", strings.Replace(messagesBody, "{", `{"stream":true,`, 1),
			http.Header{"X-Api-Key": {"k"}, "Anthropic-Version": {"2023-06-01"}}}, quota.Limits{TokensPerMinute: 1}, "rate_limit_error"},
	}
	for _, c := range calls {
		t.Run(c.name+" "+c.wantType, func(t *testing.T) {
			t.Parallel()
			// A fixed clock: the two requests must fall in one minute's window.
			at := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
			limiter := quota.New(quota.Options{Policy: quota.Policy{Keys: map[string]quota.Limits{"k": c.limits}},
				Now: func() time.Time { return at }})
			be := quota.Wrap(builtin.New(builtin.Options{Pace: &builtin.Pace{}}), limiter)
			s, err := server.New(server.Options{Backend: be,
				Auth: auth.Config{Mode: auth.ModeStrict, APIKeys: []string{"k"}},
				Mount: func(mux *http.ServeMux) {
					gateway.Register(mux, gateway.Options{Backend: be, APIKeys: []string{"k"},
						Resume: gateway.ResumeOptions{Retention: time.Minute}})
				}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s.Handler())
			t.Cleanup(srv.Close)
			if res, body := post(t, srv.URL, c.frontendCall); res.StatusCode != http.StatusOK {
				t.Fatalf("first request: %d %s", res.StatusCode, body)
			}
			res, body := post(t, srv.URL, c.frontendCall)
			var e errorReply
			_ = json.Unmarshal(body, &e)
			secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			if res.StatusCode != http.StatusTooManyRequests || e.dialectType(c.name) != c.wantType || secs < 1 {
				t.Fatalf("second request: %d Retry-After %q %s; want 429 %s with Retry-After",
					res.StatusCode, res.Header.Get("Retry-After"), body, c.wantType)
			}
		})
	}
}

// post sends c and reads the whole answer.
func post(t *testing.T, base string, c frontendCall) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.header.Clone()
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}
