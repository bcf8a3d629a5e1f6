package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// GoSDKSettle is how long after the last byte of its body the response to
// an AWS SDK for Go v2 request over HTTP/1.1 may start.
//
// Why: the SDK wraps request bodies in a closer whose WriteTo returns
// io.EOF once closed, and closes it as soon as the response headers arrive.
// net/http's Transport, after writing a body of known length, reads the body
// once more (with WriteTo) to check nothing is left over; if the SDK closed
// it first, that io.EOF counts as a write error and the Transport closes
// the connection under the response being read ("use of closed network
// connection", streams cut mid-way). Whether the client's writer finishes
// first is up to its scheduler, so no server can rule it out; answering a
// little later makes it vanishingly rare (README.md, "Go SDK over
// HTTP/1.1"). A model slower than this to its first event costs nothing
// extra: the wait counts from the body's end, and stream headers go out
// with the first event.
const GoSDKSettle = 10 * time.Millisecond

// settle holds back the first response byte to requests whose client
// races early responses (see GoSDKSettle).
type settle struct {
	// after is the least time from the end of the request body to the
	// response's first byte; zero turns settling off.
	after time.Duration
	// now and wait are the clock; tests replace them.
	now  func() time.Time
	wait func(ctx context.Context, d time.Duration)
}

func newSettle(after time.Duration) settle {
	return settle{after: after, now: time.Now, wait: sleepCtx}
}

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// racesEarlyResponses reports whether r comes from a client that can lose
// a response sent before it has finished with the request's body: the AWS
// SDK for Go v2 over HTTP/1.x sending a body.
func racesEarlyResponses(r *http.Request) bool {
	return r.ProtoMajor == 1 && r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody &&
		strings.HasPrefix(r.Header.Get("User-Agent"), "aws-sdk-go-v2/")
}

func (s settle) handler(next http.Handler) http.Handler {
	if s.after <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !racesEarlyResponses(r) {
			next.ServeHTTP(w, r)
			return
		}
		body := &bodyEnd{ReadCloser: r.Body, now: s.now}
		r.Body = body
		sw := &settlingWriter{ResponseWriter: w}
		sw.hold = func() {
			end := body.end()
			if end.IsZero() { // the body was not read to its end
				end = s.now()
			}
			if d := s.after - s.now().Sub(end); d > 0 {
				s.wait(r.Context(), d)
			}
		}
		next.ServeHTTP(sw, r)
		sw.settle() // a response with no body leaves after the handler returns
	})
}

// bodyEnd notes when a request body was read to its end.
type bodyEnd struct {
	io.ReadCloser
	now  func() time.Time
	nano atomic.Int64 // UnixNano of the end; 0 until then
}

func (b *bodyEnd) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && b.nano.Load() == 0 {
		b.nano.Store(b.now().UnixNano())
	}
	return n, err
}

func (b *bodyEnd) end() time.Time {
	if n := b.nano.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// settlingWriter runs hold once before the first byte of the response can
// leave: on the first Write or Flush. It unwraps, so
// http.ResponseController still reaches the connection's deadlines.
type settlingWriter struct {
	http.ResponseWriter
	hold func()
	once sync.Once
}

func (s *settlingWriter) settle() { s.once.Do(s.hold) }

func (s *settlingWriter) Write(p []byte) (int, error) {
	s.settle()
	return s.ResponseWriter.Write(p)
}

func (s *settlingWriter) Flush() { _ = s.FlushError() }

func (s *settlingWriter) FlushError() error {
	s.settle()
	return http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *settlingWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
