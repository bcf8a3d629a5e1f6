package capture_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/rockstream/rockstream/internal/eventframe"
	"github.com/rockstream/rockstream/internal/sse"
)

// frame is one event-stream message as it came, with its message type,
// event or exception type and, for chunks, the model JSON inside.
type frame struct {
	raw   []byte
	kind  string
	typ   string
	chunk []byte
}

// frames splits an event-stream body into its messages.
func frames(t tb, b []byte) []frame {
	t.Helper()
	rd := eventframe.NewReader(bytes.NewReader(b))
	var out []frame
	for {
		raw, m, err := rd.NextRaw()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		f := frame{raw: bytes.Clone(raw), kind: string(m.Get(":message-type")),
			typ: string(m.Get(":event-type")) + string(m.Get(":exception-type"))}
		if f.kind == "event" && f.typ == "chunk" {
			if f.chunk, err = eventframe.ChunkBytes(nil, m.Payload); err != nil {
				t.Fatalf("frame %d: %v", len(out), err)
			}
		}
		out = append(out, f)
	}
}

// showFrame describes frame i of fs for a failure message.
func showFrame(fs []frame, i int) string {
	if i >= len(fs) {
		return "(none)"
	}
	return fmt.Sprintf("%s %s %q", fs[i].kind, fs[i].typ, fs[i].raw)
}

// events reads a server-sent event stream to its end.
func events(t tb, b []byte) []sse.Event {
	t.Helper()
	rd := sse.NewReader(bytes.NewReader(b))
	var out []sse.Event
	for {
		m, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("event %d: %v", len(out), err)
		}
		out = append(out, sse.Event{Name: m.Name, Data: bytes.Clone(m.Data)})
	}
}

func sameEvents(a, b []sse.Event) bool {
	return slices.EqualFunc(a, b, func(x, y sse.Event) bool { return x.Name == y.Name && bytes.Equal(x.Data, y.Data) })
}

func showEvents(evs []sse.Event) string {
	var sb strings.Builder
	for _, ev := range evs {
		sb.WriteString(ev.Name + "\t" + string(ev.Data) + "\n")
	}
	return sb.String()
}

func chunkType(t tb, chunk []byte) string {
	t.Helper()
	var head struct {
		Type string `json:"type"`
	}
	mustJSON(t, chunk, &head)
	return head.Type
}

func headerHas(h http.Header, needle string) bool {
	for _, vs := range h {
		for _, v := range vs {
			if strings.Contains(v, needle) {
				return true
			}
		}
	}
	return false
}

func mustJSON(t tb, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
