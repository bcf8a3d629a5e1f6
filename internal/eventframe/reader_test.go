package eventframe

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// frame encodes one message with the SDK's own encoder.
func frame(t testing.TB, headers map[string]string, payload string) []byte {
	t.Helper()
	var msg sdk.Message
	for _, name := range []string{":event-type", ":exception-type", ":content-type", ":message-type"} {
		if v, ok := headers[name]; ok {
			msg.Headers.Set(name, sdk.StringValue(v))
		}
	}
	msg.Payload = []byte(payload)
	var buf bytes.Buffer
	if err := sdk.NewEncoder().Encode(&buf, msg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func chunkFrame(t testing.TB, inner string) []byte {
	payload := `{"bytes":"` + base64.StdEncoding.EncodeToString([]byte(inner)) + `","p":"abcdefgh"}`
	return frame(t, map[string]string{":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}, payload)
}

// vector reads a hex test vector from testdata (bedrock-wire §2.5).
func vector(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReaderDecodesKnownVectors(t *testing.T) {
	r := NewReader(bytes.NewReader(append(vector(t, "chunk.hex"), vector(t, "throttling.hex")...)))
	m, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Get(":event-type")); got != "chunk" {
		t.Errorf(":event-type = %q", got)
	}
	inner, err := ChunkBytes(nil, m.Payload)
	if err != nil || string(inner) != `{"type":"message_stop"}` {
		t.Fatalf("chunk bytes = %q, %v", inner, err)
	}
	m, err = r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Get(":exception-type")); got != "throttlingException" {
		t.Errorf(":exception-type = %q", got)
	}
	if got := string(m.Get(":message-type")); got != "exception" {
		t.Errorf(":message-type = %q", got)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after last message: %v, want io.EOF", err)
	}
}

func TestReaderRoundTripsSDKFrames(t *testing.T) {
	var stream bytes.Buffer
	inners := []string{`{"type":"message_start"}`, `{"type":"content_block_delta","delta":{"text":"Hi"}}`, strings.Repeat("x", 10000)}
	for _, in := range inners {
		stream.Write(chunkFrame(t, in))
	}
	r := NewReader(&stream)
	var dst []byte
	for i, want := range inners {
		m, err := r.Next()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		dst, err = ChunkBytes(dst, m.Payload)
		if err != nil || string(dst) != want {
			t.Fatalf("message %d: %q, %v", i, dst, err)
		}
	}
}

func TestReaderRejectsDamage(t *testing.T) {
	good := chunkFrame(t, `{"type":"ping"}`)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	cases := []struct {
		name  string
		input []byte
		check func(error) bool
	}{
		{"cut in prelude", good[:7], func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"cut in payload", good[:len(good)-9], func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"prelude crc", flip(9), func(err error) bool { return errors.Is(err, ErrChecksum) }},
		{"payload crc", flip(len(good) - 6), func(err error) bool { return errors.Is(err, ErrChecksum) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(c.input)).Next()
			if !c.check(err) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestReaderKeepsTransportCause(t *testing.T) {
	reset := errors.New("stream reset by peer")
	good := chunkFrame(t, `{"type":"ping"}`)
	r := NewReader(io.MultiReader(bytes.NewReader(good[:20]), iotestErr{reset}))
	_, err := r.Next()
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, reset) {
		t.Fatalf("err = %v, want both io.ErrUnexpectedEOF and the transport's error", err)
	}
}

// iotestErr is a reader that fails at once.
type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func TestReaderBoundsMessageSize(t *testing.T) {
	r := NewReader(bytes.NewReader(chunkFrame(t, strings.Repeat("y", 5000))))
	r.MaxMessage = 1024
	var le *LengthError
	if _, err := r.Next(); !errors.As(err, &le) {
		t.Fatalf("err = %v, want LengthError", err)
	}
}

// FuzzReader feeds arbitrary streams to the reader; whatever it accepts,
// the SDK's decoder must accept with the same payload.
func FuzzReader(f *testing.F) {
	f.Add(chunkFrame(f, `{"type":"message_stop"}`))
	f.Add(frame(f, map[string]string{":exception-type": "throttlingException", ":message-type": "exception"}, `{"message":"x"}`))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxMessage = 1 << 16
		m, err := r.Next()
		if err != nil {
			return
		}
		ref, err := sdk.NewDecoder().Decode(bytes.NewReader(data), nil)
		if err != nil {
			// The SDK rejects header types and lengths it does not
			// support; the reader may be laxer about values it skips.
			return
		}
		if !bytes.Equal(ref.Payload, m.Payload) {
			t.Fatalf("payload differs from the SDK's: %q vs %q", m.Payload, ref.Payload)
		}
		_, _ = ChunkBytes(nil, m.Payload)
	})
}

// A reader lives as long as its stream: its buffer starts at the size of
// a typical chunk frame and grows only for larger messages.
func TestReaderBufferStartsSmallAndGrows(t *testing.T) {
	small := chunkFrame(t, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`)
	big := frame(t, map[string]string{":event-type": "chunk"}, strings.Repeat("x", 5000))
	r := NewReader(bytes.NewReader(append(append(bytes.Clone(small), big...), small...)))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if c := cap(r.buf); c > firstBuffer {
		t.Errorf("buffer of %d bytes after a %d-byte frame, want at most %d", c, len(small), firstBuffer)
	}
	m, err := r.Next()
	if err != nil || len(m.Payload) != 5000 {
		t.Fatalf("large frame: %d bytes, %v", len(m.Payload), err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
}

// NextRaw hands back each frame exactly as it came, beside its message.
func TestNextRawReturnsTheFrame(t *testing.T) {
	frames := [][]byte{
		vector(t, "chunk.hex"),
		chunkFrame(t, strings.Repeat("z", 5000)), // grows the buffer
		AppendErrorFrame(nil, "InternalFailure", "broken"),
		vector(t, "throttling.hex"),
	}
	r := NewReader(bytes.NewReader(bytes.Join(frames, nil)))
	for i, want := range frames {
		raw, m, err := r.NextRaw()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(raw, want) {
			t.Fatalf("frame %d:\n raw %x\nwant %x", i, raw, want)
		}
		ref, err := sdk.NewDecoder().Decode(bytes.NewReader(want), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Payload, ref.Payload) || len(m.Headers) != len(ref.Headers) {
			t.Errorf("frame %d: message %q with %d headers, SDK %q with %d", i, m.Payload, len(m.Headers), ref.Payload, len(ref.Headers))
		}
		if err := ValidFrame(raw); err != nil {
			t.Errorf("frame %d: ValidFrame(raw) = %v", i, err)
		}
	}
	if raw, _, err := r.NextRaw(); err != io.EOF || raw != nil {
		t.Fatalf("after the last frame: %d bytes, %v; want io.EOF", len(raw), err)
	}
}

// cycle reads b over and over, as a stream of identical frames.
type cycle struct {
	b   []byte
	off int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := copy(p, c.b[c.off:])
	c.off = (c.off + n) % len(c.b)
	return n, nil
}

// Once its buffer fits the stream's frames, a reader passing frames on
// allocates nothing per frame.
func TestNextRawAllocatesNothing(t *testing.T) {
	stream := append(chunkFrame(t, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`),
		vector(t, "throttling.hex")...)
	r := NewReader(&cycle{b: stream})
	var out []byte
	allocs := testing.AllocsPerRun(100, func() {
		raw, m, err := r.NextRaw()
		if err != nil || len(m.Get(MessageTypeHeader)) == 0 {
			t.Fatalf("%v, headers %q", err, m.Headers)
		}
		out = append(out[:0], raw...)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame, want 0", allocs)
	}
}
