package runtime

import (
	"errors"
	"net/http"
	"time"
)

// eventWriter sits between a stream's FrameWriter and the response so that
// the frames of one event (an Anthropic message_delta and message_stop, a
// block's start and its first delta) reach the client with one flush under
// one write deadline instead of one each. Every event is still flushed
// before the next is pulled from the backend (the stream contract).
type eventWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController // of the wrapped writer
	timeout time.Duration
	holding bool // inside an event's frames
	pending bool // a flush was asked for while holding
}

func newEventWriter(w http.ResponseWriter, timeout time.Duration) *eventWriter {
	return &eventWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: timeout}
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *eventWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// FlushError is what http.ResponseController.Flush calls.
func (w *eventWriter) FlushError() error {
	if w.holding {
		w.pending = true
		return nil
	}
	return ignoreUnsupported(w.rc.Flush())
}

// SetWriteDeadline passes deadlines through, except inside an event,
// whose frames share the deadline hold set.
func (w *eventWriter) SetWriteDeadline(t time.Time) error {
	if w.holding {
		return nil
	}
	return ignoreUnsupported(w.rc.SetWriteDeadline(t))
}

// hold starts an event's frames: one deadline for all of them.
func (w *eventWriter) hold() error {
	if w.timeout > 0 {
		if err := w.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil {
			return err
		}
	}
	w.holding = true
	return nil
}

// release flushes what the event's frames wrote and clears the deadline,
// so a model that is silent for a while does not cut the stream.
func (w *eventWriter) release() error {
	w.holding = false
	var err error
	if w.pending {
		w.pending = false
		err = w.FlushError()
	}
	if w.timeout > 0 {
		_ = w.SetWriteDeadline(time.Time{})
	}
	return err
}

func ignoreUnsupported(err error) error {
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}
