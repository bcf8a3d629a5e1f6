package eventframe

import (
	"errors"
	"io"
)

const (
	// DefaultMaxMessage bounds a message; Bedrock keeps chunks far below it.
	DefaultMaxMessage = 16 << 20
	// firstBuffer is the buffer's first size: a typical chunk frame (a
	// few hundred bytes) fits. It is small because a reader lives as long
	// as its stream, and a relay holds thousands of mostly idle streams;
	// larger messages grow it.
	firstBuffer = 1 << 10
)

// Reader reads messages from a stream, reusing one buffer.
type Reader struct {
	r       io.Reader
	buf     []byte
	headers []Header
	prelude [preludeLen]byte
	// MaxMessage bounds a message's total length (DefaultMaxMessage if zero).
	MaxMessage int
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, headers: make([]Header, 0, 4)}
}

// Next reads one message, valid until the next read. It returns io.EOF
// when the stream ends cleanly between messages and an error matching
// io.ErrUnexpectedEOF (errors.Is) when it ends inside one; a transport
// failure is joined to it.
func (r *Reader) Next() (Message, error) {
	_, m, err := r.NextRaw()
	return m, err
}

// NextRaw reads one message as Next does and also returns its whole frame,
// exactly as it was read: a relay looks at the message, then writes raw on
// unchanged. raw and the message share the reader's buffer, valid until
// the next read; once the buffer fits the stream's frames, reading
// allocates nothing.
func (r *Reader) NextRaw() (raw []byte, m Message, err error) {
	prelude := &r.prelude
	if n, err := io.ReadFull(r.r, prelude[:]); err != nil {
		if err == io.EOF && n == 0 {
			return nil, Message{}, io.EOF
		}
		return nil, Message{}, cut(err)
	}
	limit := r.MaxMessage
	if limit <= 0 {
		limit = DefaultMaxMessage
	}
	total, hlen, err := parsePrelude(prelude[:], uint64(limit))
	if err != nil {
		return nil, Message{}, err
	}
	if cap(r.buf) < int(total) {
		r.buf = make([]byte, 0, max(int(total), 2*cap(r.buf), firstBuffer))
	}
	buf := r.buf[:total]
	copy(buf, prelude[:])
	if _, err := io.ReadFull(r.r, buf[preludeLen:]); err != nil {
		return nil, Message{}, cut(err)
	}
	if err := checkMessageCRC(buf); err != nil {
		return nil, Message{}, err
	}
	headers, err := parseHeaders(r.headers[:0], buf[preludeLen:preludeLen+hlen])
	r.headers = headers
	if err != nil {
		return nil, Message{}, err
	}
	return buf, Message{Headers: headers, Payload: buf[preludeLen+hlen : total-crcLen]}, nil
}

// cut is the error for a stream that ended inside a message: always
// io.ErrUnexpectedEOF, joined with the transport's own error (a reset
// stream, a closed connection) when there was one.
func cut(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return io.ErrUnexpectedEOF
	}
	return errors.Join(io.ErrUnexpectedEOF, err)
}
