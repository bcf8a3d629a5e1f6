package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// recordingWriter is a ResponseWriter that records the body, the flushes
// and every write deadline it is given; the FrameWriter's timer sets
// deadlines from its own goroutine.
type recordingWriter struct {
	header  http.Header
	body    bytes.Buffer
	flushes int

	mu        sync.Mutex
	deadlines []time.Time
	deadline  time.Time
}

func (w *recordingWriter) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}
func (w *recordingWriter) WriteHeader(int)             {}
func (w *recordingWriter) Write(p []byte) (int, error) { return w.body.Write(p) }
func (w *recordingWriter) Flush()                      { w.flushes++ }

func (w *recordingWriter) SetWriteDeadline(t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deadlines = append(w.deadlines, t)
	w.deadline = t
	return nil
}

// armed returns the deadline now set and how many times one was set.
func (w *recordingWriter) armed() (time.Time, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.deadline, len(w.deadlines)
}

// deadlineWrapper is middleware that handles SetWriteDeadline itself, as
// a writer that batches frames may.
type deadlineWrapper struct{ *recordingWriter }

func (w deadlineWrapper) Unwrap() http.ResponseWriter { return w.recordingWriter }

func TestWriteDeadlineArmedOncePerHalfTimeout(t *testing.T) {
	rec := &recordingWriter{}
	fw := NewFrameWriter(rec, InvokeStream, time.Hour)
	for range 1000 {
		if err := fw.Event("chunk", []byte(`{"bytes":"e30="}`)); err != nil {
			t.Fatal(err)
		}
		if d, _ := rec.armed(); d.IsZero() {
			t.Fatal("a frame was written without a deadline")
		}
	}
	if d, n := rec.armed(); n != 1 || time.Until(d) < 59*time.Minute {
		t.Errorf("%d deadlines set for 1000 frames (last %v), want 1 about an hour away", n, d)
	}
	if rec.flushes != 1000 {
		t.Errorf("%d flushes for 1000 frames", rec.flushes)
	}
	fw.Close()
	if d, _ := rec.armed(); !d.IsZero() {
		t.Errorf("deadline %v left armed after Close", d)
	}
}

func TestWriteDeadlineClearedWhenQuiet(t *testing.T) {
	rec := &recordingWriter{}
	const timeout = 40 * time.Millisecond
	fw := NewFrameWriter(rec, InvokeStream, timeout)
	defer fw.Close()
	if err := fw.Event("chunk", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	// The timer clears the deadline half a timeout after it was armed;
	// if it never does, the test times out.
	for {
		if d, _ := rec.armed(); d.IsZero() {
			break
		}
		time.Sleep(timeout / 4)
	}
	// A later frame arms a fresh deadline.
	if err := fw.Event("chunk", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if _, n := rec.armed(); n < 3 {
		t.Errorf("%d deadlines set, want arm, clear, arm", n)
	}
}

func TestWriteDeadlineReArmedWhenHalfSpent(t *testing.T) {
	rec := &recordingWriter{}
	const timeout = 40 * time.Millisecond
	fw := NewFrameWriter(rec, InvokeStream, timeout)
	defer fw.Close()
	d := fw.deadline
	if err := fw.Event("chunk", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	// Pretend more than half the deadline passed without the timer running.
	d.mu.Lock()
	first := time.Now().Add(timeout / 4)
	d.until = first
	d.mu.Unlock()
	if err := fw.Event("chunk", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	until := d.until
	d.mu.Unlock()
	// The write re-armed it and, finding it fresh at its end, kept it.
	if !until.After(first) {
		t.Errorf("deadline %v not re-armed past %v", until, first)
	}
}

func TestWrappedDeadlineArmedAndClearedPerFrame(t *testing.T) {
	rec := &recordingWriter{}
	fw := NewFrameWriter(deadlineWrapper{rec}, InvokeStream, time.Hour)
	for range 10 {
		if err := fw.Event("chunk", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if d, _ := rec.armed(); !d.IsZero() {
			t.Fatal("deadline left armed after a frame")
		}
	}
	if _, n := rec.armed(); n != 20 {
		t.Errorf("%d deadlines set for 10 frames, want 20", n)
	}
	fw.Close()
}

func TestHoldSharesOneFlush(t *testing.T) {
	rec := &recordingWriter{}
	fw := NewFrameWriter(rec, InvokeStream, time.Hour)
	defer fw.Close()
	fw.Hold()
	for range 3 {
		if err := fw.Event("chunk", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if rec.flushes != 0 {
		t.Fatalf("%d flushes while holding", rec.flushes)
	}
	if err := fw.Release(); err != nil {
		t.Fatal(err)
	}
	if err := fw.Event("chunk", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if rec.flushes != 2 {
		t.Errorf("%d flushes, want one for the held frames and one after", rec.flushes)
	}
}

// A client that stops reading ends the stream: the write that cannot go
// out fails when its deadline passes instead of blocking for good.
func TestStoppedReaderFailsWrite(t *testing.T) {
	const timeout = 50 * time.Millisecond
	result := make(chan error, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fw := NewFrameWriter(rw, InvokeStream, timeout)
		defer fw.Close()
		payload := bytes.Repeat([]byte("x"), 16<<10)
		for {
			if err := fw.Event("chunk", payload); err != nil {
				result <- err
				return
			}
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", res.Proto)
	}
	// Read a little, then stop reading without closing.
	if _, err := io.ReadFull(res.Body, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("write ended with %v, want a write timeout", err)
	}
}
