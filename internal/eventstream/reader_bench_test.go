package eventstream

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
