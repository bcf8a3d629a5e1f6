package bedrock

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

// converseFrame is a ConverseStream event: the member's JSON, unwrapped.
func converseFrame(t testing.TB, eventType, payload string) []byte {
	t.Helper()
	return frame(t, []byte(payload), ":event-type", eventType, ":content-type", "application/json", ":message-type", "event")
}

func converseFrames(t testing.TB) [][]byte {
	return [][]byte{
		converseFrame(t, "messageStart", `{"role":"assistant","p":"abc"}`),
		converseFrame(t, "contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Hello"}}`),
		converseFrame(t, "contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":" there"}}`),
		converseFrame(t, "contentBlockStop", `{"contentBlockIndex":0}`),
		converseFrame(t, "messageStop", `{"stopReason":"end_turn"}`),
		converseFrame(t, "metadata", `{"usage":{"inputTokens":25,"outputTokens":12,"totalTokens":37},"metrics":{"latencyMs":321}}`),
	}
}

func TestConverseStream(t *testing.T) {
	t.Parallel()
	var path string
	var body []byte
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.EscapedPath()
		body, _ = io.ReadAll(r.Body)
		startStream(w)
		writeFrames(w, converseFrames(t)...)
	}))
	c := newTestClient(t, srv, Options{API: Converse})
	resp, err := c.Do(t.Context(), textRequest("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if path != "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream" {
		t.Errorf("path %q", path)
	}
	if !strings.Contains(string(body), `"messages":[{"content":[{"text":"hi"}],"role":"user"}]`) {
		t.Errorf("body %s", body)
	}
	if rockstream.TextOf(resp.Message.Content) != "Hello there" || resp.StopReason != rockstream.StopEndTurn ||
		resp.Usage.OutputTokens != 12 || resp.RequestID != "req-123" || resp.Model != testModel {
		t.Errorf("response %+v", resp)
	}
}

func TestConverseStreamFailures(t *testing.T) {
	t.Parallel()
	all := converseFrames(t)
	tests := []struct {
		name       string
		frames     [][]byte
		wantClass  rockstream.ErrorClass
		incomplete bool
	}{
		{"exception after events", append(all[:3:3], exceptionFrame(t, "throttlingException", `{"message":"slow down"}`)), rockstream.ClassThrottling, false},
		{"ends without metadata", all[:5], rockstream.ClassInterrupted, true},
		{"cut inside a frame", append(all[:3:3], all[3][:10]), rockstream.ClassInterrupted, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTLSServer(t, serveFrames(tt.frames...))
			c := newTestClient(t, srv, Options{API: Converse})
			events, err := collect(c, textRequest("x"))
			if textOf(events) != "Hello there" {
				t.Errorf("text before the error %q", textOf(events))
			}
			e := asError(t, err)
			if e.Class != tt.wantClass || !e.InStream || errors.Is(err, rockstream.ErrIncomplete) != tt.incomplete {
				t.Errorf("error %+v, want class %s, incomplete %v", e, tt.wantClass, tt.incomplete)
			}
		})
	}
}
