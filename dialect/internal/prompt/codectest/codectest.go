// Package codectest checks family codecs against golden transcripts: chunk
// files decoded to neutral events, neutral events encoded to chunks, and
// round trips between them. Run tests with -update to rewrite goldens.
package codectest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Lines reads path's non-empty lines.
func Lines(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Golden compares got with the golden file, or rewrites it with -update.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// FormatEvents renders events one per line as {"Type":{fields}}, leaving
// out zero-valued fields so goldens survive new fields.
func FormatEvents(evs []rockstream.Event) []byte {
	var buf bytes.Buffer
	for _, ev := range evs {
		name := strings.TrimPrefix(fmt.Sprintf("%T", ev), "rockstream.")
		raw, err := json.Marshal(ev)
		if err != nil {
			panic(err)
		}
		var fields map[string]any
		if err := json.Unmarshal(raw, &fields); err != nil {
			panic(err)
		}
		line, err := json.Marshal(map[string]any{name: prune(fields)})
		if err != nil {
			panic(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// prune drops zero values from m, recursively.
func prune(m map[string]any) map[string]any {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = prune(sub)
			m[k] = v
		}
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if v == "" {
				delete(m, k)
			}
		case float64:
			if v == 0 {
				delete(m, k)
			}
		case bool:
			if !v {
				delete(m, k)
			}
		case map[string]any:
			if len(v) == 0 {
				delete(m, k)
			}
		}
	}
	return m
}

// ParseEvent reads one line written by FormatEvents.
func ParseEvent(line []byte) (rockstream.Event, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil || len(m) != 1 {
		return nil, fmt.Errorf("codectest: bad event line %q", line)
	}
	for name, raw := range m {
		ev, err := newEvent(name)
		if err != nil {
			return nil, err
		}
		v := reflect.New(reflect.TypeOf(ev))
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			return nil, err
		}
		return v.Elem().Interface().(rockstream.Event), nil
	}
	return nil, nil
}

func newEvent(name string) (rockstream.Event, error) {
	for _, ev := range []rockstream.Event{rockstream.MessageStart{}, rockstream.BlockStart{}, rockstream.TextDelta{},
		rockstream.ToolInputDelta{}, rockstream.ReasoningDelta{}, rockstream.SignatureDelta{}, rockstream.BlockStop{},
		rockstream.MessageStop{}, rockstream.Metadata{}} {
		if strings.TrimPrefix(fmt.Sprintf("%T", ev), "rockstream.") == name {
			return ev, nil
		}
	}
	return nil, fmt.Errorf("codectest: unknown event %q", name)
}

// Events reads a file of FormatEvents lines.
func Events(t testing.TB, path string) []rockstream.Event {
	t.Helper()
	var evs []rockstream.Event
	for _, l := range Lines(t, path) {
		ev, err := ParseEvent(l)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// Decode runs chunks through a fresh decoder of c.
func Decode(c dialect.Codec, chunks [][]byte) ([]rockstream.Event, bool, error) {
	d := c.NewStreamDecoder()
	var evs []rockstream.Event
	for _, ch := range chunks {
		var err error
		if evs, err = d.Decode(evs, ch); err != nil {
			return evs, d.Done(), err
		}
	}
	return evs, d.Done(), nil
}

// Encode runs events through a fresh encoder of c and flushes it.
func Encode(c dialect.Codec, evs []rockstream.Event) ([][]byte, error) {
	e := c.NewStreamEncoder()
	var chunks [][]byte
	for _, ev := range evs {
		var err error
		if chunks, err = e.Encode(chunks, ev); err != nil {
			return chunks, err
		}
	}
	return e.Flush(chunks)
}

// CheckDecode decodes the chunk file (one JSON chunk a line) and compares
// the events with the golden file; the stream must end Done.
func CheckDecode(t *testing.T, c dialect.Codec, chunkFile, golden string) {
	t.Helper()
	evs, done, err := Decode(c, Lines(t, chunkFile))
	if err != nil {
		t.Fatalf("decode %s: %v", chunkFile, err)
	}
	if !done {
		t.Errorf("decode %s: not Done after the final chunk", chunkFile)
	}
	Golden(t, golden, FormatEvents(evs))
}

// CheckEncode encodes the event file and compares the chunks with the
// golden file, then decodes them back and requires the decoder to be Done.
func CheckEncode(t *testing.T, c dialect.Codec, eventFile, golden string) {
	t.Helper()
	chunks, err := Encode(c, Events(t, eventFile))
	if err != nil {
		t.Fatalf("encode %s: %v", eventFile, err)
	}
	Golden(t, golden, append(bytes.Join(chunks, []byte("\n")), '\n'))
	if _, done, err := Decode(c, chunks); err != nil || !done {
		t.Errorf("decoding the encoded %s: done=%v err=%v", eventFile, done, err)
	}
}

// CheckEarlyEnd decodes all but the last chunk of the file and requires
// the decoder not to be Done.
func CheckEarlyEnd(t *testing.T, c dialect.Codec, chunkFile string) {
	t.Helper()
	chunks := Lines(t, chunkFile)
	_, done, err := Decode(c, chunks[:len(chunks)-1])
	if err != nil {
		t.Fatal(err)
	}
	if done {
		t.Errorf("%s without its last chunk reports Done", chunkFile)
	}
}

// CheckMalformed requires each chunk to fail decoding in a fresh decoder.
func CheckMalformed(t *testing.T, c dialect.Codec, chunks ...string) {
	t.Helper()
	for _, ch := range chunks {
		if _, err := c.NewStreamDecoder().Decode(nil, []byte(ch)); err == nil {
			t.Errorf("chunk %q decoded without error", ch)
		}
	}
}

// CheckValidation decodes each body and compares the error message (empty
// for success).
func CheckValidation(t *testing.T, c dialect.Codec, model string, cases map[string][2]string) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.DecodeRequest(model, []byte(tc[0]))
			got := ""
			if err != nil {
				var re *rockstream.Error
				if e, ok := err.(*rockstream.Error); ok {
					re = e
				}
				if re == nil || re.Class != rockstream.ClassValidation {
					t.Fatalf("error %v is not a validation *rockstream.Error", err)
				}
				got = re.Message
			}
			if got != tc[1] {
				t.Errorf("body %s\n got error %q\nwant error %q", tc[0], got, tc[1])
			}
		})
	}
}

// FuzzChunks feeds data, split at newlines, to a decoder; it must never
// panic, and Done must stay true once reached.
func FuzzChunks(c dialect.Codec, data []byte) {
	d := c.NewStreamDecoder()
	var done bool
	for _, ch := range bytes.Split(data, []byte("\n")) {
		if _, err := d.Decode(nil, ch); err != nil {
			return
		}
		if done && !d.Done() {
			panic("Done went back to false")
		}
		done = d.Done()
	}
}

// FuzzRequest decodes body; an accepted body must encode again, and that
// encoding must read back and encode to the same bytes. (The first cycle
// may normalize: text that contains a template's markers reads as turns.)
func FuzzRequest(t *testing.T, c dialect.Codec, model string, body []byte) {
	req, err := c.DecodeRequest(model, body)
	if err != nil {
		var re *rockstream.Error
		if e, ok := err.(*rockstream.Error); ok {
			re = e
		}
		if re == nil || re.Class != rockstream.ClassValidation {
			t.Fatalf("error %v is not a validation *rockstream.Error", err)
		}
		return
	}
	again, err := c.EncodeRequest(req)
	if err != nil {
		t.Fatalf("accepted body %s does not encode again: %v", body, err)
	}
	req2, err := c.DecodeRequest(model, again)
	if err != nil {
		t.Fatalf("body %s re-encoded as %s fails: %v", body, again, err)
	}
	third, err := c.EncodeRequest(req2)
	if err != nil {
		t.Fatalf("body %s does not encode: %v", again, err)
	}
	req3, err := c.DecodeRequest(model, third)
	if err != nil {
		t.Fatalf("body %s fails: %v", third, err)
	}
	if fourth, err := c.EncodeRequest(req3); err != nil || !bytes.Equal(third, fourth) {
		t.Fatalf("encoding is not stable: %s then %s (%v)", third, fourth, err)
	}
}
