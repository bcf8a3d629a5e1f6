package bedrock

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/converse"
	"github.com/rockstream/rockstream/internal/eventframe"
)

// directStream reads one InvokeModelWithResponseStream body with
// rockstream's own frame reader: no goroutines, no channel hand-offs, one
// reused buffer for frames and one for chunk JSON. It dispatches on
// :message-type as the SDK's reader does and hands exceptions and error
// messages to the SDK's deserializer, so both transports fail alike.
type directStream struct {
	body    io.ReadCloser
	r       *eventframe.Reader
	chunk   []byte // the current chunk's model JSON, reused
	dec     dialect.StreamDecoder
	family  string
	onChunk func([]byte)
	// conv, when set, decodes ConverseStream frames instead of chunks.
	conv *converse.StreamDecoder
	// relay, when set, receives each event frame as it came (or, with
	// relayChunks, each chunk's model JSON) before its events are decoded.
	relay       func([]byte, bool)
	relayChunks bool
	// br buffers the body of a relayed stream, so more can tell whether
	// the next frame has already arrived.
	br *bufio.Reader
	// delivered is set once a frame has yielded events: a failure after
	// it is final, never retried.
	delivered bool
}

// relayTo makes s hand each frame (or chunk) to relay before decoding it.
func (s *directStream) relayTo(relay func([]byte, bool), chunks bool) {
	s.relay, s.relayChunks = relay, chunks
	s.br = bufio.NewReaderSize(s.body, relayBuffer)
	s.r = eventframe.NewReader(s.br)
}

// relayBuffer holds a few frames of a relayed stream: enough to see that
// a burst is waiting, small enough for many idle streams.
const relayBuffer = 4 << 10

// more reports whether a whole next frame is already buffered.
func (s *directStream) more() bool {
	if s.br == nil || s.br.Buffered() < 4 {
		return false
	}
	head, err := s.br.Peek(4)
	if err != nil {
		return false
	}
	return s.br.Buffered() >= int(binary.BigEndian.Uint32(head))
}

func newDirectStream(body io.ReadCloser, codec dialect.Codec, onChunk func([]byte)) *directStream {
	s := &directStream{body: body, r: eventframe.NewReader(body), onChunk: onChunk}
	if codec != nil { // nil for ConverseStream, which tune sets up
		s.dec, s.family = codec.NewStreamDecoder(), codec.Name()
	}
	return s
}

// next reads frames until one carries events. A cancelled ctx aborts the
// request's body read, so a blocked Next returns; checking it per frame
// also stops a stream whose frames are already buffered.
func (s *directStream) next(ctx context.Context, dst []rockstream.Event) ([]rockstream.Event, error) {
	for {
		if err := ctx.Err(); err != nil {
			return dst, err
		}
		raw, m, err := s.r.NextRaw()
		switch {
		case err == io.EOF:
			if !s.done() {
				return dst, errEndedEarly
			}
			return dst, io.EOF
		case errors.Is(err, io.ErrUnexpectedEOF):
			return dst, cutError(err)
		case err != nil:
			return dst, fmt.Errorf("bedrock: decode event: %w", err)
		}
		kind := m.Get(":message-type")
		switch {
		case kind == nil:
			return dst, errors.New("bedrock: missing :message-type header")
		case string(kind) == "exception", string(kind) == "error":
			return dst, s.exception(raw, &m)
		case string(kind) != "event":
			return dst, fmt.Errorf("bedrock: unknown event stream message type %q", kind)
		}
		typ := m.Get(":event-type")
		if typ == nil {
			return dst, errors.New("bedrock: missing :event-type header")
		}
		if s.conv != nil {
			if s.relay != nil {
				s.relay(raw, s.more())
			}
			n := len(dst)
			if dst, err = s.conv.Decode(dst, string(typ), m.Payload); err != nil {
				return dst, decodeFailure("converse", err)
			}
			if len(dst) > n {
				s.delivered = true
				return dst, nil
			}
			continue
		}
		if string(typ) != "chunk" {
			if s.relay != nil && !s.relayChunks {
				s.relay(raw, s.more())
			}
			continue // an event type newer than this client: skippable
		}
		s.chunk, err = eventframe.ChunkBytes(s.chunk, m.Payload)
		switch {
		case errors.Is(err, eventframe.ErrNoBytes):
			s.chunk = s.chunk[:0] // the SDK hands the codec an empty chunk too
		case err != nil:
			return dst, fmt.Errorf("bedrock: deserialize event chunk: %w", err)
		}
		if s.onChunk != nil {
			s.onChunk(s.chunk)
		}
		if s.relay != nil {
			if s.relayChunks {
				s.relay(s.chunk, s.more())
			} else {
				s.relay(raw, s.more())
			}
		}
		n := len(dst)
		dst, err = s.dec.Decode(dst, s.chunk)
		if err != nil {
			return dst, decodeFailure(s.family, err)
		}
		if len(dst) > n {
			s.delivered = true
			return dst, nil
		}
	}
}

// exception is the error an exception or error message ends the stream
// with. A stream relaying frames that has delivered events passes the
// frame on as it came, so the caller reads the upstream's own exception
// (its originalMessage and all), and marks the error relayed so it is not
// reported twice. Before any event the failure may still be retried, or
// answered with an HTTP status, so it is not relayed; nor to a caller of
// another wire (relayChunks), whose dialect reports it in its own words.
func (s *directStream) exception(raw []byte, m *eventframe.Message) error {
	err := streamException(m)
	if s.relay == nil || s.relayChunks || !s.delivered {
		return err
	}
	s.relay(raw, false)
	return &rockstream.Relayed{Err: err}
}

func (s *directStream) close() { s.body.Close() }

// done reports whether the model's final event was decoded.
func (s *directStream) done() bool {
	if s.conv != nil {
		return s.conv.Done()
	}
	return s.dec.Done()
}

// cutError is the error for a body that ended inside a frame: errCutFrame,
// or the transport's error that ended it (which the reader joins to
// io.ErrUnexpectedEOF), both wrapping rockstream.ErrIncomplete.
func cutError(err error) error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if e != io.ErrUnexpectedEOF {
				return fmt.Errorf("bedrock: reading the event stream: %w (%w)", e, rockstream.ErrIncomplete)
			}
		}
	}
	return errCutFrame
}
