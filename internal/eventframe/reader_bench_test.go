package eventframe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// benchStream is 1000 chunk frames of a typical text delta.
func benchStream(b *testing.B) ([]byte, int) {
	var buf bytes.Buffer
	for i := range 1000 {
		buf.Write(chunkFrame(b, fmt.Sprintf(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word%d"}}`, i)))
	}
	return buf.Bytes(), 1000
}

// BenchmarkDecodeChunk measures frame → model JSON with this package.
func BenchmarkDecodeChunk(b *testing.B) {
	data, n := benchStream(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data) / n))
	var src bytes.Reader
	var inner []byte
	for i := 0; i < b.N; {
		src.Reset(data)
		r := NewReader(&src)
		for j := 0; j < n && i < b.N; j, i = j+1, i+1 {
			m, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if string(m.Get(":message-type")) != "event" {
				b.Fatal("not an event")
			}
			if inner, err = ChunkBytes(inner, m.Payload); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDecodeChunkSDK measures the same with the AWS SDK's decoder and
// encoding/json, as the SDK's bedrockruntime stream reader does it.
func BenchmarkDecodeChunkSDK(b *testing.B) {
	data, n := benchStream(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data) / n))
	var src bytes.Reader
	dec := sdk.NewDecoder()
	var payload []byte
	for i := 0; i < b.N; {
		src.Reset(data)
		for j := 0; j < n && i < b.N; j, i = j+1, i+1 {
			m, err := dec.Decode(&src, payload[:0])
			if err != nil {
				b.Fatal(err)
			}
			payload = m.Payload
			if v := m.Headers.Get(":message-type"); v == nil || v.String() != "event" {
				b.Fatal("not an event")
			}
			var chunk struct {
				Bytes []byte `json:"bytes"`
			}
			if err := json.Unmarshal(m.Payload, &chunk); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRelayFrame measures what a relay spends per frame to read a
// frame, look at its type, and have the bytes to write onward: passing
// the frame it read on (raw), decoding and encoding it again with this
// package (reencode), and the same with the SDK's codec (sdk). The write
// itself is an append to a reused buffer.
func BenchmarkRelayFrame(b *testing.B) {
	data, n := benchStream(b)
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data) / n))
		var src bytes.Reader
		var out []byte
		for i := 0; i < b.N; {
			src.Reset(data)
			r := NewReader(&src)
			for j := 0; j < n && i < b.N; j, i = j+1, i+1 {
				raw, m, err := r.NextRaw()
				if err != nil {
					b.Fatal(err)
				}
				if string(m.Get(MessageTypeHeader)) != EventMessage || len(m.Get(EventTypeHeader)) == 0 {
					b.Fatal("not an event")
				}
				out = append(out[:0], raw...)
			}
		}
	})
	b.Run("reencode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data) / n))
		var src bytes.Reader
		var out []byte
		for i := 0; i < b.N; {
			src.Reset(data)
			r := NewReader(&src)
			for j := 0; j < n && i < b.N; j, i = j+1, i+1 {
				m, err := r.Next()
				if err != nil {
					b.Fatal(err)
				}
				if string(m.Get(MessageTypeHeader)) != EventMessage {
					b.Fatal("not an event")
				}
				out = AppendFrame(out[:0], EventMessage, string(m.Get(EventTypeHeader)), m.Payload)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data) / n))
		var src bytes.Reader
		var out bytes.Buffer
		dec, enc := sdk.NewDecoder(), sdk.NewEncoder()
		var payload []byte
		for i := 0; i < b.N; {
			src.Reset(data)
			for j := 0; j < n && i < b.N; j, i = j+1, i+1 {
				m, err := dec.Decode(&src, payload[:0])
				if err != nil {
					b.Fatal(err)
				}
				payload = m.Payload
				if v := m.Headers.Get(MessageTypeHeader); v == nil || v.String() != EventMessage {
					b.Fatal("not an event")
				}
				out.Reset()
				if err := enc.Encode(&out, m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
