package wire

import (
	"errors"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/eventframe"
)

// EventStreamContentType is the response type of every Bedrock stream.
const EventStreamContentType = "application/vnd.amazon.eventstream"

// Stream is which Bedrock streaming operation a frame belongs to; each has
// its own set of exception types.
type Stream int

const (
	InvokeStream   Stream = iota // InvokeModelWithResponseStream
	ConverseStream               // ConverseStream
)

// ExceptionType is the lowerCamel :exception-type for a failure of code
// inside stream s. Each stream's union knows only a few exceptions; the
// others map to the nearest one (ConverseStream has no
// modelTimeoutException).
func ExceptionType(s Stream, code string) string {
	switch code {
	case "ValidationException", "AccessDeniedException", "ResourceNotFoundException":
		return "validationException"
	case "ThrottlingException", "ServiceQuotaExceededException":
		return "throttlingException"
	case "ServiceUnavailableException", "ModelNotReadyException":
		return "serviceUnavailableException"
	case "ModelStreamErrorException", "ModelErrorException":
		return "modelStreamErrorException"
	case "ModelTimeoutException":
		if s == ConverseStream {
			return "modelStreamErrorException"
		}
		return "modelTimeoutException"
	}
	return "internalServerException"
}

// FrameWriter writes one event-stream response: headers on the first
// frame (so a failure before it can still be an HTTP error), then one
// flushed frame per event, each written under a write deadline (see
// writeDeadline). Frames between Hold and Release share one flush.
type FrameWriter struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	deadline *writeDeadline
	buf      []byte // the frame being written, reused
	kind     Stream
	started  bool
	holding  bool // frames wait for Release's flush
	// Header, if set, adds response headers when the stream commits.
	Header func(http.Header)
}

// NewFrameWriter returns a writer for stream kind on w. writeTimeout bounds
// each frame's write; zero means no bound. Close must follow.
func NewFrameWriter(w http.ResponseWriter, kind Stream, writeTimeout time.Duration) *FrameWriter {
	rc := http.NewResponseController(w)
	return &FrameWriter{w: w, rc: rc, deadline: newWriteDeadline(w, rc, writeTimeout), kind: kind}
}

// Started reports whether the response headers have been sent.
func (fw *FrameWriter) Started() bool { return fw.started }

// Start commits the 200 response and its headers, if not done yet.
func (fw *FrameWriter) Start() {
	if fw.started {
		return
	}
	fw.started = true
	h := fw.w.Header()
	h.Set("Content-Type", EventStreamContentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	if fw.Header != nil {
		fw.Header(h)
	}
	fw.w.WriteHeader(http.StatusOK)
}

// Event writes one event frame.
func (fw *FrameWriter) Event(eventType string, payload []byte) error {
	fw.buf = eventframe.AppendFrame(fw.buf[:0], eventframe.EventMessage, eventType, payload)
	return fw.write(fw.buf)
}

// Exception writes the exception frame for err, after which the stream
// must end.
func (fw *FrameWriter) Exception(err error) error {
	return fw.item(ExceptionItem(fw.kind, rockstream.AsError(err)))
}

// WriteHalf writes the first half of an exception frame, as a connection
// cut mid-frame would leave it. The caller then aborts the connection.
func (fw *FrameWriter) WriteHalf() error {
	fw.buf = eventframe.AppendFrame(fw.buf[:0], eventframe.ExceptionMessage, "internalServerException", []byte(`{"message":"connection aborted"}`))
	return fw.write(fw.buf[:len(fw.buf)/2])
}

// Hold makes the frames written until Release go out with one flush: the
// frames of one event (an Anthropic message_delta and message_stop) need
// not reach the client one by one.
func (fw *FrameWriter) Hold() { fw.holding = true }

// Release flushes the frames written since Hold.
func (fw *FrameWriter) Release() error {
	if !fw.holding {
		return nil
	}
	fw.holding = false
	if !fw.started {
		return nil
	}
	if err := fw.deadline.begin(); err != nil {
		return err
	}
	defer fw.deadline.end()
	return ignoreUnsupported(fw.rc.Flush())
}

// Close clears the write deadline so the connection can serve another
// request, and stops the FrameWriter's timer, which would otherwise touch
// the response after the handler returned.
func (fw *FrameWriter) Close() {
	fw.deadline.close()
}

func (fw *FrameWriter) write(frame []byte) error {
	fw.Start()
	if err := fw.deadline.begin(); err != nil {
		return err
	}
	defer fw.deadline.end()
	if _, err := fw.w.Write(frame); err != nil {
		return err
	}
	if fw.holding {
		return nil
	}
	return ignoreUnsupported(fw.rc.Flush())
}

func ignoreUnsupported(err error) error {
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}
