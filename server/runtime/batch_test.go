package runtime

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// flushLog is a ResponseWriter that records what reached it: bytes, one
// entry per flush (the bytes written since the last), and deadlines.
type flushLog struct {
	header    http.Header
	buf       bytes.Buffer
	flushes   [][]byte
	deadlines []time.Time
}

func (f *flushLog) Header() http.Header         { return f.header }
func (f *flushLog) WriteHeader(int)             {}
func (f *flushLog) Write(p []byte) (int, error) { return f.buf.Write(p) }
func (f *flushLog) FlushError() error {
	f.flushes = append(f.flushes, bytes.Clone(f.buf.Bytes()))
	f.buf.Reset()
	return nil
}
func (f *flushLog) SetWriteDeadline(t time.Time) error {
	f.deadlines = append(f.deadlines, t)
	return nil
}

func TestWriteFramesFlushesEachEventOnce(t *testing.T) {
	log := &flushLog{header: http.Header{}}
	fw := wire.NewFrameWriter(log, wire.InvokeStream, time.Minute)
	events := [][]relay.Item{
		{{Name: "chunk", Data: []byte(`{"bytes":"YQ=="}`)}},
		{{Name: "chunk", Data: []byte(`{"bytes":"Yg=="}`)}, {Name: "chunk", Data: []byte(`{"bytes":"Yw=="}`)}, {Name: "chunk", Data: []byte(`{"bytes":"ZA=="}`)}},
		{{Name: "chunk", Data: []byte(`{"bytes":"ZQ=="}`)}},
	}
	for i, frames := range events {
		if err := fw.Write(frames, true); err != nil {
			t.Fatal(err)
		}
		if len(log.flushes) != i+1 {
			t.Fatalf("after event %d: %d flushes, want %d", i, len(log.flushes), i+1)
		}
		if log.buf.Len() != 0 {
			t.Fatalf("event %d left %d bytes unflushed", i, log.buf.Len())
		}
		flushed := log.flushes[i]
		for _, f := range frames {
			if !bytes.Contains(flushed, f.Data) {
				t.Errorf("event %d: flush lacks %s", i, f.Data)
			}
		}
		if n := bytes.Count(flushed, []byte(":event-type")); n != len(frames) {
			t.Errorf("event %d: flush holds %d frames, want %d", i, n, len(frames))
		}
	}
	// One deadline bounds writes in quick succession; closing the stream
	// clears it (a quiet stream's timer clears it too: tested in wire).
	if n := len(log.deadlines); n != 1 || log.deadlines[0].IsZero() {
		t.Errorf("deadline changes %v, want one deadline for the burst", log.deadlines)
	}
	fw.Close()
	if last := log.deadlines[len(log.deadlines)-1]; !last.IsZero() {
		t.Errorf("deadline %v left armed after Close", last)
	}
}

func TestChunkFramesShareOneBuffer(t *testing.T) {
	var c chunkFrames
	frames := c.frames(nil, [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)})
	if len(frames) != 2 {
		t.Fatalf("%d frames, want 2", len(frames))
	}
	for i, want := range []string{"eyJhIjoxfQ==", "eyJiIjoyfQ=="} {
		if !bytes.HasPrefix(frames[i].Data, []byte(`{"bytes":"`+want+`","p":"`)) {
			t.Errorf("frame %d payload %s", i, frames[i].Data)
		}
	}
	// Appending to one payload must not overwrite the next.
	_ = append(frames[0].Data, "xxxxxxxx"...)
	if !bytes.HasPrefix(frames[1].Data, []byte(`{"bytes":"eyJiIjoyfQ==`)) {
		t.Errorf("frame 1 overwritten: %s", frames[1].Data)
	}
}
