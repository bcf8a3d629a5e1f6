package perf

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// earlyAnswer is an upstream that answers before it reads the request
// body, as a fast upstream can look to net/http's Transport, whose writer
// reads the body once more after sending it. It reads the body only when
// told, after the caller has the response headers.
type earlyAnswer struct {
	readBody chan struct{}
	bodyRead chan error
}

func (e earlyAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	go func() {
		<-e.readBody
		_, err := io.Copy(io.Discard, r.Body)
		e.bodyRead <- err
		pw.Close()
	}()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: pr, Request: r}, nil
}

// TestHTTPProxyKeepsBodyReadableAfterAnswerStarts checks that the reverse
// proxy role leaves the caller's request body readable to its upstream
// transport after the response has started over HTTP/1.1: closing it cuts
// streams relayed from a fast upstream.
func TestHTTPProxyKeepsBodyReadableAfterAnswerStarts(t *testing.T) {
	up, _ := url.Parse("http://upstream.invalid")
	rt := earlyAnswer{readBody: make(chan struct{}), bodyRead: make(chan error, 1)}
	srv := httptest.NewServer(newHTTPProxy(up, rt))
	defer srv.Close()

	resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(`{"prompt":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	close(rt.readBody) // the response has started; now the body is read
	if err := <-rt.bodyRead; err != nil {
		t.Fatalf("reading the request body after the response started: %v", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
}
