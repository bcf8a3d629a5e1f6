package anthropic

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
)

// Chunks of every kind a Bedrock Claude stream carries, and shapes the fast
// path must hand to encoding/json.
var chunkSeeds = []string{
	`{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-3","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":28,"output_tokens":1}}}`,
	`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
	`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get","input":{}}}`,
	`{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`,
	`{"type":"content_block_stop","index":0}`,
	`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":312}}`,
	`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":17,"outputTokenCount":312,"invocationLatency":8210,"firstByteLatency":301}}`,
	`{"type":"ping"}`,
	`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
	` { "type" : "content_block_stop" , "index" : 0 , "index" : null } `,
	`{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"\n\nHuman:"},"usage":{"output_tokens":1,"output_tokens":null}}`,
	`{"Type":"message_stop"}`,
	`{"type":"message_start","message":{"id":"m"},"message":{"model":"x","usage":{"input_tokens":1}}}`,
	`{"type":"content_block_stop","index":1.0}`,
	`{"type":"content_block_stop","index":"0"}`,
	`{"type":"message_start","message":{"id":"m","content":[{"type":"text","text":"hi"}]}}`,
	`{"type":"content_block_delta","index":0,"delta":{"text":"a\u00e9\ud83d\ude00","type":"text_delta"}}`,
	`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":99999999999999999999}}`,
	`{"type":"message_stop","x\u00e9":1,"extra":{"nested":[1,{"type":"no"}]}}`,
}

// checkChunkFast requires that whatever decodeChunkFast accepts, encoding/json
// decodes to the same chunk without error.
func checkChunkFast(t *testing.T, chunk []byte) (accepted bool) {
	t.Helper()
	fast, ok := decodeChunkFast(chunk)
	if !ok {
		return false
	}
	var slow wireChunk
	if err := json.Unmarshal(chunk, &slow); err != nil {
		t.Fatalf("chunk %q: fast path accepted what encoding/json rejects: %v", chunk, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("chunk %q:\n fast %s\n json %s", chunk, dump(fast), dump(slow))
	}
	return true
}

func dump(c wireChunk) string {
	b, _ := json.Marshal(c)
	return fmt.Sprintf("%s index=%v", b, c.Index)
}

func TestChunkFastMatchesJSON(t *testing.T) {
	accepted := 0
	for _, s := range chunkSeeds {
		if checkChunkFast(t, []byte(s)) {
			accepted++
		}
	}
	// The seeds must exercise both ways, or the comparison proves little.
	if accepted < 10 || accepted == len(chunkSeeds) {
		t.Errorf("fast path accepted %d of %d seeds", accepted, len(chunkSeeds))
	}
	for _, s := range chunkSeeds[:7] {
		if _, ok := decodeChunkFast([]byte(s)); !ok && s != chunkSeeds[2] {
			t.Errorf("a common chunk went to encoding/json: %s", s)
		}
	}
}

// TestStreamDecoderFastMatchesJSON decodes a whole stream both ways.
func TestStreamDecoderFastMatchesJSON(t *testing.T) {
	fast, slow := NewStreamDecoder(), NewStreamDecoder()
	slow.reflectOnly = true
	var fe, se []rockstream.Event
	for _, s := range chunkSeeds[:7] {
		var ferr, serr error
		fe, ferr = fast.Decode(fe, []byte(s))
		se, serr = slow.Decode(se, []byte(s))
		if fmt.Sprint(ferr) != fmt.Sprint(serr) {
			t.Fatalf("chunk %s: fast %v, json %v", s, ferr, serr)
		}
	}
	if !reflect.DeepEqual(fe, se) || len(fe) != 6 {
		t.Errorf("fast %#v\njson %#v", fe, se)
	}
}

func FuzzChunkFastMatchesJSON(f *testing.F) {
	for _, s := range chunkSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, chunk []byte) {
		checkChunkFast(t, chunk)
	})
}

// BenchmarkStreamDecodeFrame decodes the chunks of a one-token stream
// around its delta, the per-stream cost of the Anthropic codec.
func BenchmarkStreamDecodeFrame(b *testing.B) {
	chunks := make([][]byte, 0, 6)
	for _, s := range chunkSeeds[:7] {
		if s != chunkSeeds[2] && s != chunkSeeds[3] {
			chunks = append(chunks, []byte(s))
		}
	}
	for _, path := range []string{"fast", "encoding-json"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			var evs []rockstream.Event
			for b.Loop() {
				d := NewStreamDecoder()
				d.reflectOnly = path == "encoding-json"
				evs = evs[:0]
				for _, c := range chunks {
					var err error
					if evs, err = d.Decode(evs, c); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
