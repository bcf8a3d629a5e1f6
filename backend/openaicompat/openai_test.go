package openaicompat

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pieces writes each string as its own flushed write, so lines and events
// arrive split the way real servers split them.
func pieces(t *testing.T, parts ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		for _, p := range parts {
			io.WriteString(w, p)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func request() *rockstream.Request {
	return &rockstream.Request{Model: "anthropic.claude-3-sonnet-20240229-v1:0", MaxTokens: 50,
		Messages: []rockstream.Message{rockstream.UserText("hi")}}
}

func run(b rockstream.Backend) (rockstream.Accumulator, []rockstream.Event, error) {
	var acc rockstream.Accumulator
	var evs []rockstream.Event
	for ev, err := range b.Stream(context.Background(), request()) {
		if err != nil {
			return acc, evs, err
		}
		evs = append(evs, ev)
		if err := acc.Add(ev); err != nil {
			return acc, evs, err
		}
	}
	return acc, evs, nil
}

func TestStreamsThroughSSEQuirks(t *testing.T) {
	srv := pieces(t,
		": keepalive comment\r\n\r\n",
		"data: {\"id\":\"c1\",\"model\":\"llama3\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n",
		"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"con",
		"tent\":\"Hello\"}}]}\n",
		"\n",
		"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\", world\"},\"finish_reason\":\"stop\"}]}\n\n",
		"data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n",
		"data: [DONE]\n\n")
	b, _ := New(Options{BaseURL: srv.URL})
	acc, evs, err := run(b)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Text() != "Hello, world" || acc.StopReason() != rockstream.StopEndTurn {
		t.Fatalf("text %q stop %q", acc.Text(), acc.StopReason())
	}
	if u := acc.Usage(); u.InputTokens != 9 || u.OutputTokens != 3 {
		t.Errorf("usage %+v", u)
	}
	if _, ok := evs[len(evs)-1].(rockstream.Metadata); !ok {
		t.Errorf("last event %T, want Metadata", evs[len(evs)-1])
	}
}

func TestCutStreamIsAnErrorAfterDeliveredText(t *testing.T) {
	srv := pieces(t, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n")
	b, _ := New(Options{BaseURL: srv.URL})
	acc, _, err := run(b)
	if acc.Text() != "Hel" || !errors.Is(err, rockstream.ErrIncomplete) {
		t.Fatalf("text %q err %v", acc.Text(), err)
	}
}

func TestUpstreamErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		class  rockstream.ErrorClass
	}{
		{"openai 429", 429, "application/json", `{"error":{"message":"rate limited","type":"rate_limit_error"}}`, rockstream.ClassThrottling},
		{"plain 404", 404, "text/plain", `model "x" not found`, rockstream.ClassNotFound},
		{"html page", 200, "text/html", `<html>hello</html>`, rockstream.ClassProtocol},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			b, _ := New(Options{BaseURL: srv.URL})
			_, evs, err := run(b)
			if e := rockstream.AsError(err); e.Class != c.class || len(evs) != 0 {
				t.Fatalf("err %+v after %d events", e, len(evs))
			}
		})
	}
	b, _ := New(Options{BaseURL: "http://127.0.0.1:1"})
	if _, _, err := run(b); rockstream.AsError(err).Class != rockstream.ClassUnavailable {
		t.Fatalf("unreachable upstream: %v", err)
	}
}

func TestModelMapAndAuth(t *testing.T) {
	var gotBody, gotAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody.Store(string(b))
		gotAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	b, _ := New(Options{BaseURL: srv.URL, APIKey: "k1", Models: map[string]string{"*": "llama3.2"}})
	acc, _, err := run(b)
	if err != nil || acc.StopReason() != rockstream.StopMaxTokens {
		t.Fatalf("%v %q", err, acc.StopReason())
	}
	if body := gotBody.Load().(string); !strings.Contains(body, `"model":"llama3.2"`) || !strings.Contains(body, `"include_usage":true`) {
		t.Errorf("body %s", body)
	}
	if gotAuth.Load() != "Bearer k1" {
		t.Errorf("auth %v", gotAuth.Load())
	}
}

// TestLeavingCancelsUpstream shows the upstream request ends when the
// reader breaks out of the stream.
func TestLeavingCancelsUpstream(t *testing.T) {
	upstreamDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; ; i++ {
			if _, err := io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok\"}}]}\n\n"); err != nil {
				break
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				close(upstreamDone)
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		close(upstreamDone)
	}))
	defer srv.Close()
	b, _ := New(Options{BaseURL: srv.URL})
	n := 0
	for _, err := range b.Stream(context.Background(), request()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	select {
	case <-upstreamDone:
	case <-time.After(10 * time.Second):
		t.Fatal("upstream request still running after the reader left")
	}
}
