package bedrock

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
)

// benchDeltas is the number of text chunks per benchmark stream, about a
// 200-token answer.
const benchDeltas = 200

func benchBody(b *testing.B) (body []byte, frames int) {
	texts := make([]string, benchDeltas)
	for i := range texts {
		texts[i] = fmt.Sprintf(" word%d", i)
	}
	all := claudeFrames(b, texts...)
	return bytes.Join(all, nil), len(all)
}

// BenchmarkStreamFrames is the whole client path per stream, network
// aside: the SDK's middleware stack and event-stream reader goroutines,
// the cut detector, base64 and JSON, the Anthropic codec and the engine.
func BenchmarkStreamFrames(b *testing.B) {
	body, frames := benchBody(b)
	c := memoryClient(b, bodyClient(body), Invoke)
	req := textRequest("x")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		for _, err := range c.Stream(context.Background(), req) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPerFrame(b, frames)
}

// BenchmarkFramingOnly is the share of the SDK's frame decoder: prelude,
// headers, payload and both CRCs.
func BenchmarkFramingOnly(b *testing.B) {
	body, frames := benchBody(b)
	dec := eventstream.NewDecoder()
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r := bytes.NewReader(body)
		for range frames {
			m, err := dec.Decode(r, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			buf = m.Payload
		}
	}
	reportPerFrame(b, frames)
}

// BenchmarkChunkDecodeOnly is the share of the chunk's own decoding: the
// payload JSON, base64 and the Anthropic codec.
func BenchmarkChunkDecodeOnly(b *testing.B) {
	start, end, deltas := claudeChunks(strings.Fields(strings.Repeat("word ", benchDeltas))...)
	var payloads [][]byte
	for _, c := range append(append(start, deltas...), end...) {
		p, _ := json.Marshal(map[string]string{"bytes": base64.StdEncoding.EncodeToString([]byte(c)), "p": "abcdef"})
		payloads = append(payloads, p)
	}
	var events []rockstream.Event
	b.ReportAllocs()
	for b.Loop() {
		dec := anthropic.NewStreamDecoder()
		for _, p := range payloads {
			var part struct{ Bytes []byte }
			if err := json.Unmarshal(p, &part); err != nil {
				b.Fatal(err)
			}
			var err error
			if events, err = dec.Decode(events[:0], part.Bytes); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPerFrame(b, len(payloads))
}

func reportPerFrame(b *testing.B, frames int) {
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(frames)/perOp, "frames/s")
	b.ReportMetric(perOp/float64(frames)*1e9, "ns/frame")
}
