package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
)

// newServer serves a gateway over real HTTP.
func newServer(t *testing.T, opts Options) (*httptest.Server, *Gateway) {
	t.Helper()
	if opts.Keepalive == 0 {
		opts.Keepalive = time.Hour
	}
	mux := http.NewServeMux()
	g := Register(mux, opts)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, g
}

const chatBody = `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`
const messagesBody = `{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}`

func post(t *testing.T, url, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// readEvents reads a whole SSE body, comments included.
func readEvents(t *testing.T, r io.Reader) []sse.Message {
	t.Helper()
	rd := sse.NewReader(r)
	rd.Comments = true
	var out []sse.Message
	for {
		m, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(out), err)
		}
		out = append(out, m)
	}
}

// chatText joins the content deltas of chat.completion.chunk events.
func chatText(t *testing.T, msgs []sse.Message) string {
	t.Helper()
	var sb strings.Builder
	for _, m := range msgs {
		if m.IsComment || m.IsDone() {
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(m.Data, &c); err != nil {
			t.Fatalf("chunk %s: %v", m.Data, err)
		}
		for _, ch := range c.Choices {
			sb.WriteString(ch.Delta.Content)
		}
	}
	return sb.String()
}

func bodyOf(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}
