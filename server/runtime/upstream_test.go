package runtime

import (
	"io"
	"net/http"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// A relaying backend's upstream request ID and resolved model reach the
// client in the response headers.
func TestUpstreamRequestIDAndResolvedModelPassThrough(t *testing.T) {
	events := fakebackend.Story()
	start := events[0].(rockstream.MessageStart)
	start.RequestID, start.Resolved = "upstream-req-1", "us."+haiku
	events[0] = start
	ts := newServer(t, fakebackend.New(events))
	res := post(t, ts, "/model/"+haiku+streamOp, "application/json", labBody)
	io.Copy(io.Discard, res.Body)
	if got := res.Header.Get(wire.RequestIDHeader); got != "upstream-req-1" {
		t.Errorf("request ID = %q", got)
	}
	if got := res.Header.Get(ResolvedModelHeader); got != "us."+haiku {
		t.Errorf("resolved model = %q", got)
	}
}

// A relayed failure before the stream keeps the upstream's request ID, and
// an error code from another dialect does not leak onto the Bedrock wire.
func TestRelayedErrorKeepsRequestIDAndBedrockCode(t *testing.T) {
	b := fakebackend.New(fakebackend.Story())
	b.FailAt = 0
	b.Err = &rockstream.Error{Class: rockstream.ClassThrottling, Code: "rate_limit_exceeded", Message: "slow down",
		StatusCode: http.StatusTooManyRequests, RequestID: "upstream-req-2"}
	ts := newServer(t, b)
	res := post(t, ts, "/model/"+haiku+streamOp, "", labBody)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get(wire.RequestIDHeader); got != "upstream-req-2" {
		t.Errorf("request ID = %q", got)
	}
	if got := res.Header.Get(wire.ErrorTypeHeader); got != "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/" {
		t.Errorf("error type = %q", got)
	}
}
