package sse

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A write deadline bounds each write, not the silence between them: a
// model that thinks for longer than the timeout keeps its stream.
func TestSilenceLongerThanWriteTimeoutKeepsStream(t *testing.T) {
	const timeout = 30 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := NewWriter(rw, timeout)
		_ = w.Write(Event{ID: "1", Data: []byte("before")})
		time.Sleep(5 * timeout)
		_ = w.Write(Event{ID: "2", Data: []byte("after")})
	}))
	// HTTP/2 resets a stream when its write deadline passes even with
	// nothing to write, so that is the protocol to test.
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", res.Proto)
	}
	rd := NewReader(res.Body)
	for _, want := range []string{"before", "after"} {
		m, err := rd.Next()
		if err != nil || string(m.Data) != want {
			t.Fatalf("got %q, %v; want %q", m.Data, err, want)
		}
	}
}
