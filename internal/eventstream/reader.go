// Package eventstream reads application/vnd.amazon.eventstream messages
// without allocating per message. The AWS SDK's decoder
// (aws/protocol/eventstream) stays the reference and the default; this
// reader exists because decoding is on every frame of every stream, and
// its benchmark (reader_bench_test.go) shows it several times faster.
package eventstream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

const (
	preludeLen = 12
	crcLen     = 4
	// minMessage is a message with no headers and no payload.
	minMessage = preludeLen + crcLen
	// DefaultMaxMessage bounds a message; Bedrock keeps chunks far below it.
	DefaultMaxMessage = 16 << 20
	// firstBuffer is the buffer's first size: a typical chunk frame (a
	// few hundred bytes) fits. It is small because a reader lives as long
	// as its stream, and a relay holds thousands of mostly idle streams;
	// larger messages grow it.
	firstBuffer = 1 << 10
)

// ErrChecksum reports a prelude or message CRC that does not match.
var ErrChecksum = errors.New("eventstream: checksum mismatch")

// LengthError reports a prelude whose lengths cannot describe a message.
type LengthError struct {
	Total, Headers uint32
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("eventstream: invalid lengths: total %d, headers %d", e.Total, e.Headers)
}

// Header is one message header. Name and Value point into the reader's
// buffer and are valid until the next call to Next.
type Header struct {
	Name  []byte
	Type  byte
	Value []byte
}

// Message is one decoded message, valid until the next call to Next.
type Message struct {
	Headers []Header
	Payload []byte
}

// Get returns the value of the named header, nil if absent.
func (m *Message) Get(name string) []byte {
	for i := range m.Headers {
		if string(m.Headers[i].Name) == name {
			return m.Headers[i].Value
		}
	}
	return nil
}

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

// Next reads one message. It returns io.EOF when the stream ends cleanly
// between messages and an error matching io.ErrUnexpectedEOF (errors.Is)
// when it ends inside one; a transport failure is joined to it.
func (r *Reader) Next() (Message, error) {
	prelude := &r.prelude
	if n, err := io.ReadFull(r.r, prelude[:]); err != nil {
		if err == io.EOF && n == 0 {
			return Message{}, io.EOF
		}
		return Message{}, cut(err)
	}
	total := binary.BigEndian.Uint32(prelude[0:4])
	hlen := binary.BigEndian.Uint32(prelude[4:8])
	if crc32.ChecksumIEEE(prelude[:8]) != binary.BigEndian.Uint32(prelude[8:12]) {
		return Message{}, fmt.Errorf("%w in prelude", ErrChecksum)
	}
	limit := r.MaxMessage
	if limit <= 0 {
		limit = DefaultMaxMessage
	}
	if total < minMessage || uint64(total) > uint64(limit) || uint64(hlen) > uint64(total)-minMessage {
		return Message{}, &LengthError{Total: total, Headers: hlen}
	}
	if cap(r.buf) < int(total) {
		r.buf = make([]byte, 0, max(int(total), 2*cap(r.buf), firstBuffer))
	}
	buf := r.buf[:total]
	copy(buf, prelude[:])
	if _, err := io.ReadFull(r.r, buf[preludeLen:]); err != nil {
		return Message{}, cut(err)
	}
	end := total - crcLen
	crc := crc32.Update(crc32.ChecksumIEEE(buf[:preludeLen]), crc32.IEEETable, buf[preludeLen:end])
	if crc != binary.BigEndian.Uint32(buf[end:]) {
		return Message{}, fmt.Errorf("%w in message", ErrChecksum)
	}
	headers, err := parseHeaders(r.headers[:0], buf[preludeLen:preludeLen+hlen])
	r.headers = headers
	if err != nil {
		return Message{}, err
	}
	return Message{Headers: headers, Payload: buf[preludeLen+hlen : end]}, nil
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

// valueLen is the fixed value length of each header type; -1 marks types
// whose value carries a uint16 length, -2 unknown types.
var valueLen = [...]int{0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 6: -1, 7: -1, 8: 8, 9: 16}

func parseHeaders(dst []Header, b []byte) ([]Header, error) {
	for len(b) > 0 {
		nlen := int(b[0])
		if nlen == 0 || len(b) < 1+nlen+1 {
			return dst, errors.New("eventstream: truncated header name")
		}
		h := Header{Name: b[1 : 1+nlen], Type: b[1+nlen]}
		b = b[2+nlen:]
		if int(h.Type) >= len(valueLen) {
			return dst, fmt.Errorf("eventstream: unknown header type %d", h.Type)
		}
		n := valueLen[h.Type]
		if n < 0 {
			if len(b) < 2 {
				return dst, errors.New("eventstream: truncated header value length")
			}
			n = int(binary.BigEndian.Uint16(b))
			b = b[2:]
		}
		if len(b) < n {
			return dst, errors.New("eventstream: truncated header value")
		}
		h.Value = b[:n]
		b = b[n:]
		dst = append(dst, h)
	}
	return dst, nil
}
