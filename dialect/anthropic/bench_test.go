package anthropic

import (
	"errors"
	"testing"

	"github.com/rockstream/rockstream"
)

func BenchmarkStreamDecodeChunk(b *testing.B) {
	start := []byte(`{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":28,"output_tokens":1}}}`)
	blk := []byte(`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
	delta := []byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Here is a token"}}`)
	for _, path := range []string{"fast", "encoding-json"} {
		b.Run(path, func(b *testing.B) {
			d := NewStreamDecoder()
			d.reflectOnly = path == "encoding-json"
			evs, _ := d.Decode(nil, start)
			evs, _ = d.Decode(evs, blk)
			b.ReportAllocs()
			b.SetBytes(int64(len(delta)))
			for b.Loop() {
				var err error
				if evs, err = d.Decode(evs[:0], delta); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzStreamDecoder(f *testing.F) {
	f.Add([]byte(`{"type":"message_start","message":{"id":"m","usage":{}}}` + "\n" +
		`{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f"}}` + "\n" +
		`{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{"}}` + "\n" +
		`{"type":"message_delta","delta":{"stop_reason":"end_turn"}}` + "\n" + `{"type":"message_stop"}`))
	f.Add([]byte(`{"type":"error","error":{"type":"overloaded_error","message":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewStreamDecoder()
		var acc rockstream.Accumulator
		for _, chunk := range splitLines(data) {
			evs, err := d.Decode(nil, chunk)
			for _, ev := range evs {
				if err := acc.Add(ev); err != nil {
					t.Fatalf("decoder emitted an event that does not fit: %v", err)
				}
			}
			var e *rockstream.Error
			if err != nil && errors.As(err, &e) && e.Class == rockstream.ClassValidation && !e.InStream {
				t.Fatalf("stream error not marked in-stream: %v", e)
			}
		}
	})
}

func splitLines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := 0
		for i < len(data) && data[i] != '\n' {
			i++
		}
		out = append(out, data[:i])
		if i == len(data) {
			break
		}
		data = data[i+1:]
	}
	return out
}
