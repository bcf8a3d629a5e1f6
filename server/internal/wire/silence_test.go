package wire

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// A write deadline bounds each frame's write, not the silence between
// frames: a model that thinks longer than the timeout keeps its stream.
func TestSilenceLongerThanWriteTimeoutKeepsStream(t *testing.T) {
	const timeout = 30 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fw := NewFrameWriter(rw, InvokeStream, timeout)
		defer fw.Close()
		_ = fw.Event("chunk", []byte(`{"bytes":"e30="}`))
		time.Sleep(5 * timeout)
		_ = fw.Event("chunk", []byte(`{"bytes":"e30="}`))
	}))
	// HTTP/2 resets a stream when its write deadline passes even with
	// nothing to write, so that is the protocol to test.
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	res, err := srv.Client().Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", res.Proto)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("stream cut after a silence: %v", err)
	}
	dec := sdk.NewDecoder()
	r := bytes.NewReader(body)
	for i := range 2 {
		if _, err := dec.Decode(r, nil); err != nil {
			t.Fatalf("frame %d: %v (got %d bytes)", i, err, len(body))
		}
	}
}
