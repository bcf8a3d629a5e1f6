package openaicompat

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

const upstreamPassword = "s3cr3t-Pa55word"

// withPassword puts user:upstreamPassword into a server URL.
func withPassword(url string) string {
	return strings.Replace(url, "http://", "http://ops:"+upstreamPassword+"@", 1)
}

// TestErrorsHideUpstreamPassword fails the upstream in every way the
// backend reports with its URL or its answer, and looks for the
// password in what a client or a log would see.
func TestErrorsHideUpstreamPassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/v1"
	ln.Close()
	answer := func(status int, contentType, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/v1"
	}
	tests := []struct {
		name, url string
	}{
		{"unreachable", closedURL},
		{"not an event stream", answer(200, "text/html", "<html>login</html>")},
		{"error echoing the password", answer(401, "text/plain", "bad password "+upstreamPassword+" for ops")},
		{"JSON error echoing the password", answer(403, "application/json", `{"error":{"message":"denied ops:`+upstreamPassword+`"}}`)},
		{"invalid URL", withPassword(closedURL) + "/\x7f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if !strings.Contains(url, upstreamPassword) {
				url = withPassword(url)
			}
			b, err := New(Options{BaseURL: url})
			if err != nil {
				t.Fatal(err)
			}
			var got error
			for _, err := range b.Stream(context.Background(), request()) {
				got = err
			}
			if got == nil {
				t.Fatal("the stream did not fail")
			}
			if rerr := rockstream.AsError(got); strings.Contains(got.Error(), upstreamPassword) || strings.Contains(rerr.Message, upstreamPassword) {
				t.Errorf("error shows the password: %v", got)
			}
			for e := got; e != nil; {
				if strings.Contains(e.Error(), upstreamPassword) {
					t.Errorf("wrapped error %T shows the password: %v", e, e)
				}
				u, ok := e.(interface{ Unwrap() error })
				if !ok {
					break
				}
				e = u.Unwrap()
			}
		})
	}
}

func TestScrubberText(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, in, want string }{
		{"http://u:p@h/v1", "at http://u:p@h/v1: the p in ping stays", "at http://u:xxxxx@h/v1: the p in ping stays"},
		{"http://u:p%40ss%2Fword@h/v1", "at http://u:p%40ss%2Fword@h/v1 (p@ss/word)", "at http://u:xxxxx@h/v1 (xxxxx)"},
		{"http://u:longsecret@h/v1\x7f", `parse "http://u:longsecret@h/v1\x7f"`, `parse "http://u:xxxxx@h/v1\x7f"`},
		{"http://h/v1", "at http://h/v1", "at http://h/v1"},
		{"http://user@h/v1", "at http://user@h/v1", "at http://user@h/v1"},
	}
	for _, tt := range tests {
		if got := newScrubber(tt.url).text(tt.in); got != tt.want {
			t.Errorf("scrub(%q) in %q = %q, want %q", tt.url, tt.in, got, tt.want)
		}
	}
}
