// Package eventstream is rockstream's application/vnd.amazon.eventstream
// framing, both ways: Reader decodes messages without allocating per
// message, AppendFrame encodes them, and ValidFrame and Reader.NextRaw let
// a relay pass frames on byte for byte after looking at them. The
// {"bytes":…,"p":…} payload of InvokeModel stream chunks is here too, since
// every Bedrock stream wraps model JSON in it.
//
// A message on the wire is
//
//	total length uint32 | headers length uint32 | prelude CRC32 (of the 8 bytes before)
//	headers | payload | message CRC32 (of everything before it)
//
// and each header is: name length uint8 | name | value type uint8 | value,
// where string and byte-array values carry a uint16 length first. All
// integers are big-endian, CRCs IEEE.
//
// The AWS SDK's codec (aws/protocol/eventstream) is the reference: the
// tests compare against it byte for byte, and the benchmarks measure
// against it. This package exists because framing is on every frame of
// every stream, where the SDK's codec showed up in profiles.
package eventframe
