package bedrock

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/internal/eventframe"
)

// nopCodec decodes nothing and is done at once, to measure a transport
// without a codec.
type nopCodec struct{ dialect.Codec }

func (nopCodec) Name() string                            { return "nop" }
func (nopCodec) NewStreamDecoder() dialect.StreamDecoder { return nopDecoder{} }

type nopDecoder struct{}

func (nopDecoder) Decode(dst []rockstream.Event, _ []byte) ([]rockstream.Event, error) {
	return dst, nil
}
func (nopDecoder) Done() bool { return true }

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
// aside, for each transport: the SDK's middleware stack and event-stream
// reader goroutines with the cut detector, or the direct request and frame
// reader; then base64 and JSON, the Anthropic codec and the engine.
func BenchmarkStreamFrames(b *testing.B) {
	body, frames := benchBody(b)
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			c := memoryClient(b, bodyClient(body), Invoke)
			if tr.direct {
				c = directMemoryClient(b, bodyClient(body))
			}
			req := textRequest("x")
			b.ReportAllocs()
			report := meterFrames(b, frames)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				for _, err := range c.Stream(context.Background(), req) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			report()
		})
	}
}

// BenchmarkFramingOnly is the frame decoder's share: prelude, headers,
// payload and both CRCs, with the SDK's decoder and with the direct
// transport's reader.
func BenchmarkFramingOnly(b *testing.B) {
	body, frames := benchBody(b)
	b.Run("sdk", func(b *testing.B) {
		dec := eventstream.NewDecoder()
		var buf []byte
		b.ReportAllocs()
		report := meterFrames(b, frames)
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
		report()
	})
	b.Run("direct", func(b *testing.B) {
		var src bytes.Reader
		b.ReportAllocs()
		report := meterFrames(b, frames)
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			src.Reset(body)
			r := eventframe.NewReader(&src)
			for range frames {
				if _, err := r.Next(); err != nil {
					b.Fatal(err)
				}
			}
		}
		report()
	})
}

// BenchmarkDirectChunkPath is the direct transport's own per-frame work,
// the codec aside: frame reading, :message-type and :event-type dispatch,
// the chunk's base64 and the hand-off, through directStream with a codec
// that decodes nothing. Its allocations per frame are the transport's.
func BenchmarkDirectChunkPath(b *testing.B) {
	body, frames := benchBody(b)
	var src bytes.Reader
	var events []rockstream.Event
	b.ReportAllocs()
	report := meterFrames(b, frames)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		src.Reset(body)
		s := newDirectStream(io.NopCloser(&src), nopCodec{}, nil)
		var err error
		for err == nil {
			events, err = s.next(context.Background(), events[:0])
		}
		if err != io.EOF {
			b.Fatal(err)
		}
	}
	report()
}

// BenchmarkCodecOnly is the Anthropic codec's share: JSON decoding of the
// model's chunks into neutral events, the same for both transports.
func BenchmarkCodecOnly(b *testing.B) {
	start, end, deltas := claudeChunks(strings.Fields(strings.Repeat("word ", benchDeltas))...)
	var chunks [][]byte
	for _, c := range append(append(start, deltas...), end...) {
		chunks = append(chunks, []byte(c))
	}
	var events []rockstream.Event
	b.ReportAllocs()
	report := meterFrames(b, len(chunks))
	for b.Loop() {
		dec := anthropic.NewStreamDecoder()
		for _, c := range chunks {
			var err error
			if events, err = dec.Decode(events[:0], c); err != nil {
				b.Fatal(err)
			}
		}
	}
	report()
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
	report := meterFrames(b, len(payloads))
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
	report()
}

// meterFrames starts measuring a benchmark whose op decodes frames frames;
// the returned func reports frames/s, ns/frame and allocs/frame.
func meterFrames(b *testing.B, frames int) (report func()) {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	return func() {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		perOp := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(frames)/perOp, "frames/s")
		b.ReportMetric(perOp/float64(frames)*1e9, "ns/frame")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*frames), "allocs/frame")
	}
}
