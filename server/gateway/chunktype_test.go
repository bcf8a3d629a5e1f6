package gateway

import "testing"

func TestChunkType(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`, "content_block_delta"},
		{`{ "index":0, "type":"message_stop"}`, "message_stop"},
		{`{"type":"mess\u0061ge_start","message":{}}`, "message_start"},
		{`{"type":""}`, ""},
		{`not json`, ""},
	} {
		if got := chunkType([]byte(tt.raw)); got != tt.want {
			t.Errorf("chunkType(%s) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func BenchmarkChunkType(b *testing.B) {
	raw := []byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once upon a time there were two puppies"}}`)
	b.ReportAllocs()
	for b.Loop() {
		_ = chunkType(raw)
	}
}
