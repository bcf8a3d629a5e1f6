package wire

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// passThrough is a wrapper that handles SetWriteDeadline itself (passing
// it on), which makes a FrameWriter arm and clear the deadline per frame.
type passThrough struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (w passThrough) Unwrap() http.ResponseWriter { return w.ResponseWriter }
func (w passThrough) FlushError() error           { return w.rc.Flush() }
func (w passThrough) SetWriteDeadline(t time.Time) error {
	return w.rc.SetWriteDeadline(t)
}

// BenchmarkFrameWriterEvent writes b.N flushed chunk frames to an HTTP/2
// client that reads them all, with the deadline armed once per half
// timeout (owned) or armed and cleared around every frame (per-frame).
func BenchmarkFrameWriterEvent(b *testing.B) {
	payload := []byte(`{"bytes":"eyJ0eXBlIjoiY29udGVudF9ibG9ja19kZWx0YSIsImluZGV4IjowLCJkZWx0YSI6eyJ0eXBlIjoidGV4dF9kZWx0YSIsInRleHQiOiJIZXJlIGlzIGEgdG9rZW4ifX0=","p":"abcdefghijklmnop"}`)
	for _, mode := range []string{"owned", "per-frame"} {
		b.Run(mode, func(b *testing.B) {
			n := 0
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				w := rw
				if mode == "per-frame" {
					w = passThrough{rw, http.NewResponseController(rw)}
				}
				fw := NewFrameWriter(w, InvokeStream, 30*time.Second)
				defer fw.Close()
				for range n {
					if err := fw.Event("chunk", payload); err != nil {
						b.Error(err)
						return
					}
				}
			}))
			srv.EnableHTTP2 = true
			srv.StartTLS()
			defer srv.Close()
			n = b.N
			b.ReportAllocs()
			b.ResetTimer()
			res, err := srv.Client().Post(srv.URL, "application/json", nil)
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err != nil || got == 0 {
				b.Fatalf("read %d bytes: %v", got, err)
			}
		})
	}
}
