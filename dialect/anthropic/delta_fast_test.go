package anthropic

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/rockstream/rockstream"
)

// blockDeltaChunk is the content_block_delta shape as encoding/json writes
// it: the reference appendDeltaChunk must match byte for byte.
type blockDeltaChunk struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
	Delta any    `json:"delta"`
}

// marshalDeltaChunk is the content_block_delta chunk as encoding/json
// writes it, with "type" first in the delta as the wire has it.
func marshalDeltaChunk(t testing.TB, index int, kind, s string) []byte {
	t.Helper()
	typ, _ := json.Marshal(kind)
	val, _ := json.Marshal(s)
	inner := fmt.Sprintf(`{"type":%s,%q:%s}`, typ, deltaField(kind), val)
	b, err := json.Marshal(blockDeltaChunk{"content_block_delta", index, json.RawMessage(inner)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var jsonStrings = []string{
	"", "Here is a token", "two\nlines\ttab\rcr", `quote " and \ backslash`,
	"<b>&amp;</b>", "\b\f\x00\x01\x1f\x7f", "naïve café — 日本語 🐶🐶",
	"sep\u2028par\u2029end", "bad \xff utf8 \xc3", "\xed\xa0\x80 encoded surrogate",
	"/slash", "\ufffd",
}

func TestAppendJSONStringMatchesMarshal(t *testing.T) {
	for _, s := range jsonStrings {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestDeltaChunkMatchesMarshal(t *testing.T) {
	for _, kind := range []string{"text_delta", "input_json_delta", "thinking_delta", "signature_delta"} {
		for i, s := range jsonStrings {
			want := marshalDeltaChunk(t, i*7, kind, s)
			if got := appendDeltaChunk(nil, i*7, kind, s); string(got) != string(want) {
				t.Errorf("%s %q:\n got %s\nwant %s", kind, s, got, want)
			}
		}
	}
}

func TestParseFastDelta(t *testing.T) {
	tests := []struct {
		chunk string
		ok    bool
		index int
		text  string
	}{
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`, true, 0, "Hi"},
		{`{"type":"content_block_delta","index":12,"delta":{"type":"text_delta","text":"a\nb\"c\\d\/e"}}`, true, 12, "a\nb\"c\\d/e"},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\u00e9\ud83d\udc36"}}`, true, 0, "é🐶"},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\ud83d x"}}`, true, 0, "\ufffd x"},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\ud83d\u0041"}}`, true, 0, "\ufffdA"},
		{"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"bad \xff\"}}", true, 0, "bad \ufffd"},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bad \xff"}}`, false, 0, ""},
		// Left to encoding/json:
		{`{"type":"content_block_delta", "index":0,"delta":{"type":"text_delta","text":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":1234567890,"delta":{"type":"text_delta","text":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"it\'s"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\u12"}}`, false, 0, ""},
		{"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\nb\"}}", false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}} `, false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","thinking":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","text":"Hi"}}`, false, 0, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"`, false, 0, ""},
	}
	for _, tt := range tests {
		i, delta, ok := parseFastDelta([]byte(tt.chunk))
		if ok != tt.ok || (ok && (i != tt.index || delta.Text != tt.text)) {
			t.Errorf("parseFastDelta(%s) = %d %q %v, want %d %q %v", tt.chunk, i, delta.Text, ok, tt.index, tt.text, tt.ok)
		}
		checkFastDelta(t, []byte(tt.chunk))
	}
}

// checkFastDelta fails if the fast path accepts chunk but encoding/json
// reads it differently, or a decoder with the fast path gives other events
// or errors than one without.
func checkFastDelta(t *testing.T, chunk []byte) {
	t.Helper()
	if i, delta, ok := parseFastDelta(chunk); ok {
		var c wireChunk
		if err := json.Unmarshal(chunk, &c); err != nil {
			t.Fatalf("fast path accepted what encoding/json rejects (%v): %q", err, chunk)
		}
		if c.Type != "content_block_delta" || c.Index == nil || *c.Index != i || c.Delta == nil || !reflect.DeepEqual(*c.Delta, delta) {
			t.Fatalf("fast path read %q as %d %+v; encoding/json as %+v", chunk, i, delta, c)
		}
	}
	prefix := [][]byte{
		[]byte(`{"type":"message_start","message":{"id":"m","usage":{}}}`),
		[]byte(`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`),
		[]byte(`{"type":"content_block_start","index":1,"content_block":{"type":"thinking","thinking":""}}`),
		[]byte(`{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"t","name":"f"}}`),
	}
	fast, slow := NewStreamDecoder(), NewStreamDecoder()
	slow.reflectOnly = true
	for _, c := range append(prefix, chunk, chunk) {
		fe, ferr := fast.Decode(nil, c)
		se, serr := slow.Decode(nil, c)
		if !reflect.DeepEqual(fe, se) || fmt.Sprint(ferr) != fmt.Sprint(serr) {
			t.Fatalf("chunk %q: fast path gave %#v, %v; encoding/json %#v, %v", c, fe, ferr, se, serr)
		}
	}
}

func FuzzFastDeltaMatchesJSON(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(marshalDeltaChunk(f, 0, "text_delta", s))
	}
	f.Add([]byte(`{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}`))
	f.Add([]byte(`{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"\ud800\udc00\udbff"}}`))
	f.Add([]byte(`{"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"EqQB"}}`))
	f.Fuzz(func(t *testing.T, chunk []byte) {
		checkFastDelta(t, chunk)
	})
}

// FuzzFastDeltaString varies only the raw bytes between the quotes of a
// text delta, where the unescaper's cases are.
func FuzzFastDeltaString(f *testing.F) {
	for _, s := range []string{`Hi`, `a\"b\\c\/d\b\f\n\r\t`, `\u00e9\uD83D\uDC36`, `\ud83d\ud83d\ude00`, `\udc00x`, "\xff\xc3(", `\u`, `\'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		checkFastDelta(t, []byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+raw+`"}}`))
	})
}

// FuzzDeltaChunkEncoding checks the encoder's fast path against
// json.Marshal, and that the decoder reads back what was written.
func FuzzDeltaChunkEncoding(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(3, s)
	}
	f.Fuzz(func(t *testing.T, index int, s string) {
		if index < 0 {
			index = -index
		}
		if index < 0 || index > 999_999_999 {
			index = 7
		}
		got := appendDeltaChunk(nil, index, "text_delta", s)
		if want := marshalDeltaChunk(t, index, "text_delta", s); string(got) != string(want) {
			t.Fatalf("appendDeltaChunk(%q) = %s, want %s", s, got, want)
		}
		i, delta, ok := parseFastDelta(got)
		if !ok || i != index {
			t.Fatalf("fast path did not read back %s", got)
		}
		if utf8.ValidString(s) && delta.Text != s {
			t.Fatalf("read back %q, wrote %q", delta.Text, s)
		}
		checkFastDelta(t, got)
	})
}

func BenchmarkDeltaChunkEncode(b *testing.B) {
	const text = "Here is a token"
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = appendDeltaChunk(make([]byte, 0, 96), 0, "text_delta", text)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			type textDelta struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}
			if _, err := json.Marshal(blockDeltaChunk{"content_block_delta", 0, textDelta{"text_delta", text}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkStreamEncodeText(b *testing.B) {
	e := NewStreamEncoder()
	chunks, err := e.Encode(nil, rockstream.BlockStart{Index: 0, Type: rockstream.BlockText})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if chunks, err = e.Encode(chunks[:0], rockstream.TextDelta{Index: 0, Text: "Here is a token"}); err != nil {
			b.Fatal(err)
		}
	}
}
