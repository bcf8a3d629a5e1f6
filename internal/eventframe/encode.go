package eventframe

import (
	"encoding/binary"
	"hash/crc32"
)

// Frames are built by appending rather than with the SDK's Encoder, which
// writes every field through encoding/binary and a header list and showed
// up as ~9% of the gateway's CPU. The bytes are the SDK's, byte for byte
// (TestAppendFrameMatchesSDK, FuzzAppendFrame).

// TypeHeader is the header that names the event or exception in a message
// of messageType: ExceptionTypeHeader for ExceptionMessage,
// EventTypeHeader otherwise.
func TypeHeader(messageType string) string {
	if messageType == ExceptionMessage {
		return ExceptionTypeHeader
	}
	return EventTypeHeader
}

// headerBlock appends the header block of an event or exception frame:
// its type, the JSON content type and the message type, in the order
// Bedrock and the SDK write them.
func headerBlock(dst []byte, messageType, typ string) []byte {
	dst = appendStringHeader(dst, TypeHeader(messageType), typ)
	dst = appendStringHeader(dst, ContentTypeHeader, jsonContent)
	return appendStringHeader(dst, MessageTypeHeader, messageType)
}

// knownHeaders holds the header blocks of every event and exception
// Bedrock's streams carry, keyed by message type and type, so a frame
// copies them instead of encoding them.
var knownHeaders = func() map[string]map[string][]byte {
	events := []string{
		"chunk",
		"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata",
	}
	exceptions := []string{
		"internalServerException", "modelStreamErrorException", "modelTimeoutException",
		"serviceUnavailableException", "throttlingException", "validationException",
	}
	m := map[string]map[string][]byte{EventMessage: {}, ExceptionMessage: {}}
	for _, t := range events {
		m[EventMessage][t] = headerBlock(nil, EventMessage, t)
	}
	for _, t := range exceptions {
		m[ExceptionMessage][t] = headerBlock(nil, ExceptionMessage, t)
	}
	return m
}()

// AppendFrame appends the frame of one event or exception message to dst:
// typ in TypeHeader(messageType), a JSON content type, and payload. typ
// must fit MaxHeaderValue (every event and exception name does).
func AppendFrame(dst []byte, messageType, typ string, payload []byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, preludeLen)...)
	if h, ok := knownHeaders[messageType][typ]; ok {
		dst = append(dst, h...)
	} else {
		dst = headerBlock(dst, messageType, typ)
	}
	return finishFrame(dst, start, len(dst)-start-preludeLen, payload)
}

// AppendErrorFrame appends the frame of an error message: an unmodeled
// failure carried in ErrorCodeHeader and ErrorMessageHeader, with no
// payload. code and message must fit MaxHeaderValue.
func AppendErrorFrame(dst []byte, code, message string) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, preludeLen)...)
	dst = appendStringHeader(dst, ErrorCodeHeader, code)
	dst = appendStringHeader(dst, ErrorMessageHeader, message)
	dst = appendStringHeader(dst, MessageTypeHeader, ErrorMessage)
	return finishFrame(dst, start, len(dst)-start-preludeLen, nil)
}

// finishFrame appends payload to the frame begun at dst[start:], whose
// prelude is reserved and whose headers are written, then fills in the
// prelude and appends the message CRC.
func finishFrame(dst []byte, start, headersLen int, payload []byte) []byte {
	dst = append(dst, payload...)
	frame := dst[start:]
	binary.BigEndian.PutUint32(frame[0:], uint32(len(frame)+crcLen))
	binary.BigEndian.PutUint32(frame[4:], uint32(headersLen))
	preludeCRC := crc32.ChecksumIEEE(frame[:8])
	binary.BigEndian.PutUint32(frame[8:], preludeCRC)
	return binary.BigEndian.AppendUint32(dst, crc32.Update(preludeCRC, crc32.IEEETable, frame[8:]))
}
