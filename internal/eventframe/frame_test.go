package eventframe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// reCRC rewrites both CRCs of frame to match its bytes, so a test can damage
// something a CRC does not catch.
func reCRC(frame []byte) []byte {
	binary.BigEndian.PutUint32(frame[8:], crc32.ChecksumIEEE(frame[:8]))
	end := len(frame) - crcLen
	binary.BigEndian.PutUint32(frame[end:], crc32.ChecksumIEEE(frame[:end]))
	return frame
}

func TestValidFrame(t *testing.T) {
	good := chunkFrame(t, `{"type":"ping"}`)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	// A header block whose one header claims a value longer than the block.
	badHeader := AppendFrame(nil, EventMessage, "chunk", nil)
	badHeader[preludeLen+1+len(EventTypeHeader)+1+1] = 0xff
	reCRC(badHeader)
	// Lengths that agree with each other's CRC but not with the frame.
	short := bytes.Clone(good)
	binary.BigEndian.PutUint32(short[4:], uint32(len(good)))
	reCRC(short)

	cases := []struct {
		name  string
		input []byte
		check func(error) bool
	}{
		{"whole frame", good, func(err error) bool { return err == nil }},
		{"headers and no payload", AppendFrame(nil, ExceptionMessage, "throttlingException", nil), func(err error) bool { return err == nil }},
		{"error message", AppendErrorFrame(nil, "Boom", "it broke"), func(err error) bool { return err == nil }},
		{"empty", nil, func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"cut in prelude", good[:7], func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"cut in payload", good[:len(good)-9], func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"two frames", append(bytes.Clone(good), good...), func(err error) bool { return errors.Is(err, ErrTrailingBytes) }},
		{"prelude crc", flip(9), func(err error) bool { return errors.Is(err, ErrChecksum) }},
		{"length under prelude crc", flip(2), func(err error) bool { return errors.Is(err, ErrChecksum) }},
		{"payload crc", flip(len(good) - 6), func(err error) bool { return errors.Is(err, ErrChecksum) }},
		{"headers longer than frame", short, func(err error) bool { var le *LengthError; return errors.As(err, &le) }},
		{"truncated header value", badHeader, func(err error) bool { return errors.Is(err, errHeaderValue) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := ValidFrame(c.input); !c.check(err) {
				t.Fatalf("err = %v", err)
			}
			// A reader must agree with ValidFrame on one whole frame.
			if raw, _, err := NewReader(bytes.NewReader(c.input)).NextRaw(); err == nil && bytes.Equal(raw, c.input) != (ValidFrame(c.input) == nil) {
				t.Fatalf("reader took %d bytes of %d as a frame; ValidFrame says %v", len(raw), len(c.input), ValidFrame(c.input))
			}
		})
	}
}

func TestAppendValidFrame(t *testing.T) {
	good := chunkFrame(t, `{"type":"ping"}`)
	dst := []byte("before")
	dst, err := AppendValidFrame(dst, good)
	if err != nil || !bytes.Equal(dst, append([]byte("before"), good...)) {
		t.Fatalf("appended %q, %v", dst, err)
	}
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	kept, err := AppendValidFrame(dst, bad)
	if !errors.Is(err, ErrChecksum) || !bytes.Equal(kept, dst) {
		t.Fatalf("damaged frame: %v, dst now %d bytes (was %d)", err, len(kept), len(dst))
	}
}

func TestValidFrameAllocatesNothing(t *testing.T) {
	good := chunkFrame(t, `{"type":"ping"}`)
	dst := make([]byte, 0, 4*len(good))
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		if dst, err = AppendValidFrame(dst[:0], good); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per valid frame, want 0", allocs)
	}
}

// FuzzValidFrame checks ValidFrame against the reader and the SDK: a
// frame it accepts is one the reader reads whole, with the SDK's payload.
func FuzzValidFrame(f *testing.F) {
	f.Add(chunkFrame(f, `{"type":"message_stop"}`))
	f.Add(AppendErrorFrame(nil, "Boom", "it broke"))
	f.Add(append(chunkFrame(f, `{}`), 0))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		err := ValidFrame(data)
		raw, m, rerr := NewReader(bytes.NewReader(data)).NextRaw()
		if err != nil {
			if rerr == nil && len(raw) == len(data) {
				t.Fatalf("ValidFrame: %v, but the reader read the whole input as a frame", err)
			}
			return
		}
		if rerr != nil || !bytes.Equal(raw, data) {
			t.Fatalf("ValidFrame accepts what the reader does not: %v, %d of %d bytes", rerr, len(raw), len(data))
		}
		if ref, err := sdk.NewDecoder().Decode(bytes.NewReader(data), nil); err == nil && !bytes.Equal(ref.Payload, m.Payload) {
			t.Fatalf("payload differs from the SDK's: %q vs %q", m.Payload, ref.Payload)
		}
	})
}
