package runtime

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// TestContentTypes: JSON operations refuse declared non-JSON bodies, the
// invoke operations refuse only what a page can send cross-site without a
// preflight, and what the SDKs send (boto3 sends none) is served.
func TestContentTypes(t *testing.T) {
	t.Parallel()
	ts := newServer(t, fakebackend.New(fakebackend.Story()))
	tests := []struct {
		op, contentType string
		want            int
	}{
		{"/invoke", "", 200},
		{"/invoke", "application/octet-stream", 200},
		{"/invoke", "application/json", 200},
		{"/invoke", "text/plain", 415},
		{"/invoke", "text/plain;charset=UTF-8", 415},
		{"/invoke", "application/x-www-form-urlencoded", 415},
		{"/invoke", "multipart/form-data; boundary=x", 415},
		{streamOp, "", 200},
		{streamOp, "application/octet-stream", 200},
		{streamOp, "text/plain", 415},
		{"/converse", "application/json", 200},
		{"/converse", "", 200},
		{"/converse", "text/plain", 415},
		{"/converse", "application/x-www-form-urlencoded", 415},
		{"/converse", "application/octet-stream", 415},
		{"/converse-stream", "application/json", 200},
		{"/converse-stream", "multipart/form-data; boundary=x", 415},
		{"/count-tokens", "text/plain", 415},
	}
	for _, tt := range tests {
		body := labBody
		if strings.HasPrefix(tt.op, "/converse") {
			body = converseBody
		}
		res := post(t, ts, "/model/"+haiku+tt.op, tt.contentType, body)
		got, _ := io.ReadAll(res.Body)
		if res.StatusCode != tt.want {
			t.Errorf("%s with %q: %d %s, want %d", tt.op, tt.contentType, res.StatusCode, got, tt.want)
			continue
		}
		if tt.want == 415 && (!bytes.Contains(got, []byte(`"__type":"ValidationException"`)) ||
			!strings.HasPrefix(headerOf(res.Header, "x-amzn-ErrorType"), "ValidationException:")) {
			t.Errorf("%s with %q: %v %s, want Bedrock's error shape", tt.op, tt.contentType, res.Header, got)
		}
	}
}

func headerOf(h http.Header, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestGoErrorTextStaysInTheLog: a backend's plain Go error reaches the
// caller as Bedrock's generic words and the request ID, before the stream
// and in its exception frame; the detail is in the log.
func TestGoErrorTextStaysInTheLog(t *testing.T) {
	t.Parallel()
	for _, failAt := range []int{0, 2} {
		fake := fakebackend.New(fakebackend.Story())
		fake.FailAt, fake.Err = failAt, errors.New("dial tcp 10.0.0.1:443: secret")
		var logs lockedBuffer
		mux := http.NewServeMux()
		Register(mux, Options{Backend: fake, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		ts := httptest.NewServer(mux)
		for _, op := range []string{"/invoke", streamOp, "/converse", "/converse-stream"} {
			body := labBody
			if strings.HasPrefix(op, "/converse") {
				body = converseBody
			}
			res := post(t, ts, "/model/"+haiku+op, "application/json", body)
			got, _ := io.ReadAll(res.Body)
			rid := headerOf(res.Header, "x-amzn-RequestId")
			if bytes.Contains(got, []byte("secret")) || bytes.Contains(got, []byte("10.0.0.1")) {
				t.Errorf("fail at %d, %s: the body carries the error's text: %q", failAt, op, got)
			}
			if res.StatusCode != 200 && (res.StatusCode != 500 || rid == "" || !bytes.Contains(got, []byte(rid))) {
				t.Errorf("fail at %d, %s: %d %s, want a 500 naming request ID %s", failAt, op, res.StatusCode, got, rid)
			}
		}
		ts.Close()
		if !strings.Contains(logs.String(), "secret") {
			t.Errorf("fail at %d: the log lacks the error's detail:\n%s", failAt, logs.String())
		}
	}
}
