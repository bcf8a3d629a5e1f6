package eventframe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

const (
	preludeLen = 12 // two lengths and the prelude CRC
	crcLen     = 4  // the message CRC that ends every frame
	// minMessage is a message with no headers and no payload.
	minMessage = preludeLen + crcLen
)

// ErrChecksum reports a prelude or message CRC that does not match.
var ErrChecksum = errors.New("eventstream: checksum mismatch")

// ErrTrailingBytes reports bytes after the one frame ValidFrame was given.
var ErrTrailingBytes = errors.New("eventstream: bytes after the frame")

// LengthError reports a prelude whose lengths cannot describe a message.
type LengthError struct {
	Total, Headers uint32
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("eventstream: invalid lengths: total %d, headers %d", e.Total, e.Headers)
}

// parsePrelude checks a frame's first preludeLen bytes and returns its
// total and header-block lengths. limit bounds the total.
func parsePrelude(p []byte, limit uint64) (total, headers uint32, err error) {
	total = binary.BigEndian.Uint32(p[0:4])
	headers = binary.BigEndian.Uint32(p[4:8])
	if crc32.ChecksumIEEE(p[:8]) != binary.BigEndian.Uint32(p[8:12]) {
		return 0, 0, fmt.Errorf("%w in prelude", ErrChecksum)
	}
	if total < minMessage || uint64(total) > limit || uint64(headers) > uint64(total)-minMessage {
		return 0, 0, &LengthError{Total: total, Headers: headers}
	}
	return total, headers, nil
}

// checkMessageCRC checks the CRC that ends frame, a whole message whose
// prelude has been checked.
func checkMessageCRC(frame []byte) error {
	end := len(frame) - crcLen
	if crc32.ChecksumIEEE(frame[:end]) != binary.BigEndian.Uint32(frame[end:]) {
		return fmt.Errorf("%w in message", ErrChecksum)
	}
	return nil
}

// ValidFrame reports whether b is exactly one well-formed message: its
// lengths agree with len(b), both CRCs match and its headers parse. A b
// that ends inside the frame gives io.ErrUnexpectedEOF; bytes after it,
// ErrTrailingBytes. It allocates nothing when b is valid.
func ValidFrame(b []byte) error {
	if len(b) < preludeLen {
		return io.ErrUnexpectedEOF
	}
	total, headers, err := parsePrelude(b[:preludeLen], math.MaxUint32)
	if err != nil {
		return err
	}
	switch {
	case uint64(len(b)) < uint64(total):
		return io.ErrUnexpectedEOF
	case uint64(len(b)) > uint64(total):
		return ErrTrailingBytes
	}
	if err := checkMessageCRC(b); err != nil {
		return err
	}
	return checkHeaders(b[preludeLen : preludeLen+headers])
}

// AppendValidFrame appends frame, an already-encoded message, to dst after
// checking it with ValidFrame; on error dst comes back unchanged. A relay
// that did not decode a frame itself uses it to pass the frame on without
// re-encoding it, and without passing on damage.
func AppendValidFrame(dst, frame []byte) ([]byte, error) {
	if err := ValidFrame(frame); err != nil {
		return dst, err
	}
	return append(dst, frame...), nil
}
