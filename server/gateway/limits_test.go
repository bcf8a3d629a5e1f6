package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
	"github.com/rockstream/rockstream/server/relay"
)

// TestStreamLimits: open streams are bounded per API key and overall,
// resumable or not; past a bound a request is refused before it starts
// with 429, Retry-After and rate_limit_error in its own dialect.
func TestStreamLimits(t *testing.T) {
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			fb := newFake(story("held")...)
			fb.holdAt, fb.hold = 3, make(chan struct{})
			opts := Options{Backend: fb, APIKeys: []string{"sk-1", "sk-2", "sk-3"}, Streams: &relay.Tracker{Max: 2, MaxPerKey: 1}}
			if resume {
				opts.Resume.Retention = time.Hour
			}
			srv, _ := newServer(t, opts)
			defer close(fb.hold)

			open := func(path, body, key string) {
				t.Helper()
				res := post(t, srv.URL+path, body, "x-api-key", key)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s %s: status %d %s", key, path, res.StatusCode, bodyOf(t, res))
				}
				if _, err := sse.NewReader(res.Body).Next(); err != nil {
					t.Fatal(err)
				}
			}
			refused := func(path, body, key, why string) {
				t.Helper()
				res := post(t, srv.URL+path, body, "x-api-key", key)
				if res.StatusCode != http.StatusTooManyRequests {
					res.Body.Close() // a stream: do not wait for its end
					t.Errorf("%s %s: status %d, want 429", key, path, res.StatusCode)
					return
				}
				var e struct {
					Type  string
					Error struct{ Type, Message string }
				}
				if err := json.Unmarshal(bodyOf(t, res), &e); err != nil {
					t.Fatal(err)
				}
				if res.Header.Get("Retry-After") == "" || e.Error.Type != "rate_limit_error" || !strings.Contains(e.Error.Message, why) {
					t.Errorf("%s %s: Retry-After %q, error %+v; want rate_limit_error naming %q",
						key, path, res.Header.Get("Retry-After"), e, why)
				}
			}
			open("/v1/chat/completions", chatBody, "sk-1")
			refused("/v1/messages", messagesBody, "sk-1", "this key's limit of 1")
			open("/v1/messages", messagesBody, "sk-2")
			refused("/v1/chat/completions", chatBody, "sk-3", "the server's limit of 2")
			refused("/v1/messages", strings.Replace(messagesBody, `"stream":true`, `"stream":false`, 1), "sk-3", "the server's limit of 2")
		})
	}
}

// TestResumeReadersCountAgainstStreamLimits: each reader resuming a stream
// holds a connection and a relay as a stream does, so it counts against
// the same bounds; past them it is refused with 429 in its dialect, and
// its slot frees when it leaves.
func TestResumeReadersCountAgainstStreamLimits(t *testing.T) {
	fb := newFake(story("held")...)
	fb.holdAt, fb.hold = 3, make(chan struct{})
	srv, _ := newServer(t, Options{Backend: fb, APIKeys: []string{"sk-1"},
		Streams: &relay.Tracker{Max: 10, MaxPerKey: 2}, Resume: ResumeOptions{Retention: time.Hour}})
	defer close(fb.hold)

	res := post(t, srv.URL+"/v1/messages", messagesBody, "x-api-key", "sk-1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", res.StatusCode, bodyOf(t, res))
	}
	id := res.Header.Get(HeaderStreamID)
	if _, err := sse.NewReader(res.Body).Next(); err != nil {
		t.Fatal(err)
	}
	streamURL := srv.URL + "/v1/streams/" + id
	first := do(t, http.MethodGet, streamURL, "x-api-key", "sk-1")
	if first.StatusCode != http.StatusOK {
		t.Fatalf("first resume: status %d %s", first.StatusCode, bodyOf(t, first))
	}
	if _, err := sse.NewReader(first.Body).Next(); err != nil {
		t.Fatal(err)
	}
	second := do(t, http.MethodGet, streamURL, "x-api-key", "sk-1")
	if second.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a resume past this key's bound of 2 open streams: status %d, want 429", second.StatusCode)
	}
	var e struct {
		Error struct{ Type, Message string }
	}
	if err := json.Unmarshal(bodyOf(t, second), &e); err != nil {
		t.Fatal(err)
	}
	if second.Header.Get("Retry-After") == "" || e.Error.Type != "rate_limit_error" || !strings.Contains(e.Error.Message, "this key's limit of 2") {
		t.Errorf("Retry-After %q, error %+v", second.Header.Get("Retry-After"), e)
	}

	first.Body.Close() // the reader leaves; its slot frees
	deadline := time.Now().Add(5 * time.Second)
	for {
		again := do(t, http.MethodGet, streamURL, "x-api-key", "sk-1")
		if again.StatusCode == http.StatusOK {
			break
		}
		again.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("a resume after the other reader left: status %d", again.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
