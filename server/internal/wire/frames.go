package wire

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
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
	fw.buf = appendFrame(fw.buf[:0], eventMessage, eventType, payload)
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
	fw.buf = appendFrame(fw.buf[:0], exceptionMessage, "internalServerException", []byte(`{"message":"connection aborted"}`))
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

// padAlphabet is what Bedrock's "p" padding field is a prefix of.
const padAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Padding returns a "p" value: a prefix of padAlphabet of random length,
// as real traffic carries to blur frame sizes.
func Padding() string {
	return padAlphabet[:1+rand.IntN(len(padAlphabet)-1)]
}

// ChunkPayload is the IMWRS chunk event payload for one model JSON
// object: {"bytes":"<std base64>","p":"<padding>"}.
func ChunkPayload(dst, chunk []byte) []byte {
	p := Padding()
	dst = append(dst, `{"bytes":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, chunk)
	dst = append(dst, `","p":"`...)
	dst = append(dst, p...)
	return append(dst, `"}`...)
}

// PadObject adds a top-level "p" field to a JSON object, as real
// ConverseStream events carry. Anything that is not an object is returned
// unchanged.
func PadObject(obj []byte) []byte {
	n := len(obj)
	if n < 2 || obj[0] != '{' || obj[n-1] != '}' {
		return obj
	}
	out := make([]byte, 0, n+len(padAlphabet)+8)
	out = append(out, obj[:n-1]...)
	if len(bytes.TrimSpace(obj[1:n-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"p":"`...)
	out = append(out, Padding()...)
	return append(out, `"}`...)
}
