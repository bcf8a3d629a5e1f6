package eventframe

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Header names Bedrock's streams use.
const (
	MessageTypeHeader   = ":message-type"   // EventMessage, ExceptionMessage or ErrorMessage
	EventTypeHeader     = ":event-type"     // which event an event message is
	ExceptionTypeHeader = ":exception-type" // which modeled exception an exception message is
	ContentTypeHeader   = ":content-type"   // the payload's media type
	ErrorCodeHeader     = ":error-code"     // an error message's code
	ErrorMessageHeader  = ":error-message"  // an error message's words
)

// Values of MessageTypeHeader.
const (
	EventMessage     = "event"
	ExceptionMessage = "exception" // a modeled exception, named by ExceptionTypeHeader
	ErrorMessage     = "error"     // an unmodeled error, in ErrorCodeHeader and ErrorMessageHeader
)

// jsonContent is the content type of every payload Bedrock writes.
const jsonContent = "application/json"

// ValueType is the type of a header's value, as the wire numbers it.
type ValueType uint8

const (
	BoolTrue  ValueType = 0 // no value bytes
	BoolFalse ValueType = 1 // no value bytes
	Byte      ValueType = 2
	Int16     ValueType = 3
	Int32     ValueType = 4
	Int64     ValueType = 5
	ByteArray ValueType = 6 // uint16 length, then the bytes
	String    ValueType = 7 // uint16 length, then UTF-8
	Timestamp ValueType = 8 // int64 milliseconds since the Unix epoch
	UUID      ValueType = 9
)

// MaxHeaderValue is the longest string or byte-array value the SDKs
// accept, though the length field could say more.
const MaxHeaderValue = 1<<15 - 1

// valueLen is the fixed value length of each type; -1 marks types whose
// value carries a uint16 length.
var valueLen = [...]int{
	BoolTrue: 0, BoolFalse: 0, Byte: 1, Int16: 2, Int32: 4, Int64: 8,
	ByteArray: -1, String: -1, Timestamp: 8, UUID: 16,
}

// Header is one message header. Name and Value point into the frame they
// were decoded from.
type Header struct {
	Name  []byte
	Type  ValueType
	Value []byte
}

// Message is one decoded message. Its slices point into the frame it was
// decoded from; a Reader's are valid until its next read.
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

var (
	errHeaderName        = errors.New("eventstream: truncated header name")
	errHeaderValueLength = errors.New("eventstream: truncated header value length")
	errHeaderValue       = errors.New("eventstream: truncated header value")
)

// cutHeader splits the first header off a header block.
func cutHeader(b []byte) (Header, []byte, error) {
	nlen := int(b[0])
	if nlen == 0 || len(b) < 1+nlen+1 {
		return Header{}, nil, errHeaderName
	}
	h := Header{Name: b[1 : 1+nlen], Type: ValueType(b[1+nlen])}
	b = b[2+nlen:]
	if int(h.Type) >= len(valueLen) {
		return Header{}, nil, fmt.Errorf("eventstream: unknown header type %d", h.Type)
	}
	n := valueLen[h.Type]
	if n < 0 {
		if len(b) < 2 {
			return Header{}, nil, errHeaderValueLength
		}
		n = int(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) < n {
		return Header{}, nil, errHeaderValue
	}
	h.Value = b[:n]
	return h, b[n:], nil
}

// parseHeaders appends the headers of block b to dst.
func parseHeaders(dst []Header, b []byte) ([]Header, error) {
	for len(b) > 0 {
		h, rest, err := cutHeader(b)
		if err != nil {
			return dst, err
		}
		dst = append(dst, h)
		b = rest
	}
	return dst, nil
}

// checkHeaders reports whether block b parses, keeping nothing.
func checkHeaders(b []byte) error {
	for len(b) > 0 {
		_, rest, err := cutHeader(b)
		if err != nil {
			return err
		}
		b = rest
	}
	return nil
}

// appendStringHeader appends one string header. value must fit
// MaxHeaderValue.
func appendStringHeader(dst []byte, name, value string) []byte {
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	dst = append(dst, byte(String))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(value)))
	return append(dst, value...)
}
