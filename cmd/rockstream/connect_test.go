package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rockstream/rockstream"
)

// TestPaceHeaderOverH2C checks that --pace reaches an http:// endpoint as
// X-Rockstream-Pace, over cleartext HTTP/2 as the bedrock package would
// send it, and that the endpoint gets signed requests without credentials.
func TestPaceHeaderOverH2C(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var pace, auth string
	var proto int
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pace, auth, proto = r.Header.Get(paceHeader), r.Header.Get("Authorization"), r.ProtoMajor
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "ValidationException")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"stop here"}`))
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	home := t.TempDir()
	var stderr strings.Builder
	c := &cli{stderr: &stderr, getenv: func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}}
	conn, err := c.connect(t.Context(), connectFlags{endpointURL: srv.URL, pace: "ttft=0s,tps=0"}, "invoke", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.close()
	var got error
	for _, err := range conn.client.Stream(t.Context(), (&requestFlags{model: defaultModel, maxTokens: 10}).request(
		[]rockstream.Message{rockstream.UserText("hi")})) {
		got = err
	}
	if e := rockstream.AsError(got); e == nil || e.Code != "ValidationException" {
		t.Fatalf("stream error = %v, want the endpoint's ValidationException", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if pace != "ttft=0s,tps=0" {
		t.Errorf("%s = %q", paceHeader, pace)
	}
	if proto != 2 {
		t.Errorf("request used HTTP/%d, want cleartext HTTP/2", proto)
	}
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=ROCKSTREAMLOCAL/") {
		t.Errorf("Authorization = %q, want a SigV4 signature with the placeholder key", auth)
	}
	if stderr.String() != "" {
		t.Errorf("stderr = %q: an endpoint URL must not start the local runtime", stderr.String())
	}
}
