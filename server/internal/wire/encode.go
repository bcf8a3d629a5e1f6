package wire

import (
	"encoding/binary"
	"hash/crc32"
)

// Frames are built by hand rather than with the SDK's eventstream.Encoder,
// which writes every field through encoding/binary and a header list and
// showed up as ~9% of the gateway's CPU. The layout is the one the SDK
// writes, byte for byte (TestAppendFrameMatchesSDK, FuzzAppendFrame):
//
//	total length uint32 | headers length uint32 | prelude CRC32 (of the 8 bytes before)
//	headers | payload | message CRC32 (of everything before it)
//
// Each header is: name length uint8 | name | type 7 (string) | value
// length uint16 | value. All integers big-endian, CRCs IEEE.

const (
	preludeLen  = 12 // two lengths and the prelude CRC
	frameExtra  = preludeLen + 4
	stringValue = 7 // header value type of a string
)

// Message types and the header that names the event in each.
const (
	eventMessage     = "event"
	exceptionMessage = "exception"
)

// typeHeader is the header naming the event or exception of messageType.
func typeHeader(messageType string) string {
	if messageType == exceptionMessage {
		return ":exception-type"
	}
	return ":event-type"
}

// headerBlock is the encoded header block of a frame: the event or
// exception type, the JSON content type and the message type, in the
// order Bedrock and the SDK write them.
func headerBlock(dst []byte, messageType, typ string) []byte {
	dst = appendHeader(dst, typeHeader(messageType), typ)
	dst = appendHeader(dst, ":content-type", "application/json")
	return appendHeader(dst, ":message-type", messageType)
}

func appendHeader(dst []byte, name, value string) []byte {
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	dst = append(dst, stringValue)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(value)))
	return append(dst, value...)
}

// knownHeaders holds the header blocks of every event and exception the
// runtime writes, keyed by type, so a frame copies them instead of
// encoding them.
var knownHeaders = func() map[string]map[string][]byte {
	events := []string{
		"chunk",
		"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata",
	}
	exceptions := []string{
		"internalServerException", "modelStreamErrorException", "modelTimeoutException",
		"serviceUnavailableException", "throttlingException", "validationException",
	}
	m := map[string]map[string][]byte{eventMessage: {}, exceptionMessage: {}}
	for _, t := range events {
		m[eventMessage][t] = headerBlock(nil, eventMessage, t)
	}
	for _, t := range exceptions {
		m[exceptionMessage][t] = headerBlock(nil, exceptionMessage, t)
	}
	return m
}()

// appendFrame appends the frame of one message to dst. typ must fit a
// header value, 32,767 bytes (every event and exception type does).
func appendFrame(dst []byte, messageType, typ string, payload []byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, preludeLen)...)
	if h, ok := knownHeaders[messageType][typ]; ok {
		dst = append(dst, h...)
	} else {
		dst = headerBlock(dst, messageType, typ)
	}
	headersLen := len(dst) - start - preludeLen
	dst = append(dst, payload...)
	frame := dst[start:]
	binary.BigEndian.PutUint32(frame[0:], uint32(len(frame)+4))
	binary.BigEndian.PutUint32(frame[4:], uint32(headersLen))
	preludeCRC := crc32.ChecksumIEEE(frame[:8])
	binary.BigEndian.PutUint32(frame[8:], preludeCRC)
	return binary.BigEndian.AppendUint32(dst, crc32.Update(preludeCRC, crc32.IEEETable, frame[8:]))
}
