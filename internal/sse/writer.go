// Package sse writes and reads Server-Sent Events: the transport under the
// gateway's OpenAI and Anthropic streams and the openai backend. It knows
// nothing about what the events mean.
package sse

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Event is one Server-Sent Event. Data may hold newlines: the writer splits
// it into several data lines and the reader joins them back.
type Event struct {
	ID   string
	Name string // the "event:" field; empty means "message"
	Data []byte
	// Retry is the reconnection delay the server asked for; zero if none.
	Retry time.Duration
}

// Writer writes events to an HTTP response, one flush per event. Headers
// are written lazily with the first event or comment, so a handler that
// fails before streaming can still answer with a real status.
type Writer struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	// timeout bounds each write and flush; zero means none.
	timeout time.Duration
	started bool
	buf     []byte
}

// NewWriter returns a Writer on w. writeTimeout bounds every event's write
// and flush, so a reader that stops reading is cut off rather than holding
// the stream forever; zero disables it.
func NewWriter(w http.ResponseWriter, writeTimeout time.Duration) *Writer {
	return &Writer{w: w, rc: http.NewResponseController(w), timeout: writeTimeout}
}

// Started reports whether the response headers have been committed.
func (w *Writer) Started() bool { return w.started }

// Header returns the response headers, to add to before the first event.
func (w *Writer) Header() http.Header { return w.w.Header() }

// Start commits the stream's headers: text/event-stream, no caching, no
// proxy buffering. Write and Comment call it; calling it again is a no-op.
func (w *Writer) Start() error {
	if w.started {
		return nil
	}
	w.started = true
	h := w.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	w.w.WriteHeader(http.StatusOK)
	return w.flush()
}

// Write sends one event and flushes it.
func (w *Writer) Write(ev Event) error {
	w.buf = AppendEvent(w.buf[:0], ev)
	return w.send(w.buf)
}

// WriteAll sends events that are ready together with one flush.
func (w *Writer) WriteAll(evs []Event) error {
	w.buf = w.buf[:0]
	for _, ev := range evs {
		w.buf = AppendEvent(w.buf, ev)
	}
	return w.send(w.buf)
}

// Comment sends a comment line, which readers ignore: a keepalive.
func (w *Writer) Comment(text string) error {
	w.buf = appendComment(w.buf[:0], text)
	return w.send(w.buf)
}

func (w *Writer) send(b []byte) error {
	if err := w.Start(); err != nil {
		return err
	}
	w.deadline()
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	return w.flush()
}

func (w *Writer) flush() error {
	w.deadline()
	err := w.rc.Flush()
	if w.timeout > 0 {
		// The deadline bounds this write only: left armed, it would cut a
		// stream whose model is silent for longer than the timeout.
		_ = w.rc.SetWriteDeadline(time.Time{})
	}
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}

// deadline arms the per-write deadline. Response writers that cannot set
// one (recorders in tests) are left without.
func (w *Writer) deadline() {
	if w.timeout > 0 {
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	}
}

// AppendEvent appends ev's wire form to dst: id, event, retry, then one
// data line per line of Data, then the blank line that dispatches it.
func AppendEvent(dst []byte, ev Event) []byte {
	if ev.ID != "" {
		dst = appendField(dst, "id", []byte(ev.ID))
	}
	if ev.Name != "" {
		dst = appendField(dst, "event", []byte(ev.Name))
	}
	if ev.Retry > 0 {
		dst = appendField(dst, "retry", strconv.AppendInt(nil, ev.Retry.Milliseconds(), 10))
	}
	data := ev.Data
	for {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			dst = appendField(dst, "data", data)
			break
		}
		dst = appendField(dst, "data", data[:i])
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	return append(dst, '\n')
}

func appendField(dst []byte, name string, value []byte) []byte {
	dst = append(dst, name...)
	dst = append(dst, ':', ' ')
	dst = append(dst, value...)
	return append(dst, '\n')
}

func appendComment(dst []byte, text string) []byte {
	for line := range bytes.Lines([]byte(text)) {
		dst = append(dst, ':', ' ')
		dst = append(dst, bytes.TrimRight(line, "\r\n")...)
		dst = append(dst, '\n')
	}
	if text == "" {
		dst = append(dst, ':', '\n')
	}
	return append(dst, '\n')
}
