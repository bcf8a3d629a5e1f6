package runtime

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// TestStreamLimits: open Bedrock streams are bounded per verified key and
// overall; a stream past a bound is refused before it starts with a
// ThrottlingException and Retry-After, and a slot frees when a stream ends.
func TestStreamLimits(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.HoldAfter = 1 // every stream stays open until released
	verifier, err := auth.New(auth.Config{Mode: auth.ModeStrict, APIKeys: []string{"ABSKkeyone", "ABSKkeytwo", "ABSKkeythree"}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	Register(mux, Options{Backend: fake, Auth: verifier.Middleware, Tracker: &relay.Tracker{Max: 2, MaxPerKey: 1}})
	ts := httptest.NewServer(mux)
	defer ts.Close()

	stream := func(key string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/model/"+haiku+streamOp, strings.NewReader(labBody))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	open := func(key string) *http.Response {
		t.Helper()
		res := stream(key)
		if res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("key %s: status %d %s, want a stream", key, res.StatusCode, b)
		}
		if _, err := readFrame(t, res.Body); err != nil { // the stream has begun
			t.Fatal(err)
		}
		return res
	}
	throttled := func(key, why string) {
		t.Helper()
		res := stream(key)
		if res.StatusCode != http.StatusTooManyRequests {
			res.Body.Close() // a stream: do not wait for its end
			t.Errorf("key %s: status %d, want 429 (%s)", key, res.StatusCode, why)
			return
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
			!strings.HasPrefix(res.Header.Get(wire.ErrorTypeHeader), "ThrottlingException") || !strings.Contains(string(b), why) {
			t.Errorf("key %s: %d %s %q %s, want a ThrottlingException 429 with Retry-After naming %q",
				key, res.StatusCode, res.Header.Get(wire.ErrorTypeHeader), res.Header.Get("Retry-After"), b, why)
		}
	}

	first := open("ABSKkeyone")
	throttled("ABSKkeyone", "this key's limit of 1")
	open("ABSKkeytwo")
	throttled("ABSKkeythree", "the server's limit of 2")

	close(fake.Release)
	if _, err := io.ReadAll(first.Body); err != nil {
		t.Fatal(err)
	}
	first.Body.Close()
	<-fake.Ended
	// The handler untracks after the body ends; wait for the slot to free.
	for range 1000 {
		if res := stream("ABSKkeyone"); res.StatusCode == http.StatusOK {
			return
		}
	}
	t.Error("a key's slot did not free when its stream ended")
}
