package sse

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		want string
	}{
		{"data only", Event{Data: []byte(`{"a":1}`)}, "data: {\"a\":1}\n\n"},
		{"all fields", Event{ID: "7", Name: "ping", Data: []byte("x"), Retry: 1500 * time.Millisecond}, "id: 7\nevent: ping\nretry: 1500\ndata: x\n\n"},
		{"multi-line", Event{Data: []byte("a\nb\r\nc\rd")}, "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"trailing newline", Event{Data: []byte("a\n")}, "data: a\ndata: \n\n"},
		{"empty data", Event{Name: "x"}, "event: x\ndata: \n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendEvent(nil, tt.ev)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriterLazyHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	w := NewWriter(rec, time.Second)
	if w.Started() {
		t.Fatal("started before the first event")
	}
	w.Header().Set("X-Stream", "s1")
	if err := w.Comment("ping"); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(Event{ID: "1", Data: []byte("hi")}); err != nil {
		t.Fatal(err)
	}
	res := rec.Result()
	for k, want := range map[string]string{
		"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache",
		"X-Accel-Buffering": "no", "X-Stream": "s1",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !rec.Flushed {
		t.Error("not flushed")
	}
	if got, want := rec.Body.String(), ": ping\n\nid: 1\ndata: hi\n\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}

// TestWriterFlushesEachEvent reads every event over real HTTP before the
// handler sends the next one: nothing waits in a buffer.
func TestWriterFlushesEachEvent(t *testing.T) {
	next := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := NewWriter(rw, time.Second)
		for i := range 3 {
			if err := w.Write(Event{ID: string(rune('1' + i)), Data: []byte("x")}); err != nil {
				return
			}
			select {
			case <-next:
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rd := NewReader(res.Body)
	for i := range 3 {
		m, err := rd.Next()
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if m.ID != string(rune('1'+i)) {
			t.Fatalf("event %d has id %q", i, m.ID)
		}
		next <- struct{}{}
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
}

func readAll(t *testing.T, in string, comments bool) ([]Message, error) {
	t.Helper()
	r := NewReader(strings.NewReader(in))
	r.Comments = comments
	var out []Message
	for {
		m, err := r.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, m)
	}
}

func TestReader(t *testing.T) {
	ev := func(id, name, data string) Message {
		return Message{Event: Event{ID: id, Name: name, Data: []byte(data)}}
	}
	tests := []struct {
		name     string
		in       string
		comments bool
		want     []Message
		err      error
	}{
		{"lf", "data: a\n\ndata: b\n\n", false, []Message{ev("", "", "a"), ev("", "", "b")}, nil},
		{"crlf", "event: x\r\ndata: a\r\n\r\n", false, []Message{ev("", "x", "a")}, nil},
		{"cr", "data: a\rdata: b\r\r", false, []Message{ev("", "", "a\nb")}, nil},
		{"bom", "\xEF\xBB\xBFdata: a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"no space", "data:a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"two spaces", "data:  a\n\n", false, []Message{ev("", "", " a")}, nil},
		{"comments skipped", ": ping\n\ndata: a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"comments kept", ": ping\n\ndata: a\n\n", true, []Message{{Comment: "ping", IsComment: true}, ev("", "", "a")}, nil},
		{"id persists", "id: 3\ndata: a\n\ndata: b\n\n", false, []Message{ev("3", "", "a"), ev("3", "", "b")}, nil},
		{"id with nul ignored", "id: 3\x00\ndata: a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"no data dispatches nothing", "event: x\n\ndata: a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"field without colon", "data\n\n", false, []Message{ev("", "", "")}, nil},
		{"unknown field", "foo: bar\ndata: a\n\n", false, []Message{ev("", "", "a")}, nil},
		{"done", "data: [DONE]\n\n", false, []Message{ev("", "", "[DONE]")}, nil},
		{"retry", "retry: 250\ndata: a\n\n", false, []Message{{Event: Event{Data: []byte("a"), Retry: 250 * time.Millisecond}}}, nil},
		{"cut mid-event", "data: a\n\ndata: b\n", false, []Message{ev("", "", "a")}, io.ErrUnexpectedEOF},
		{"cut mid-line", "data: a\n\ndata: b", false, []Message{ev("", "", "a")}, io.ErrUnexpectedEOF},
		{"empty", "", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.in, tt.comments)
			if !errors.Is(err, tt.err) && err != tt.err {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestReaderSplitReads feeds the stream one byte at a time, so a CRLF is
// split across reads.
func TestReaderSplitReads(t *testing.T) {
	in := "id: 1\r\ndata: a\r\ndata: b\r\n\r\n: c\r\ndata: d\r\r"
	r := NewReader(&oneByteReader{s: in})
	var got []string
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(m.Data))
	}
	if want := []string{"a\nb", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

type oneByteReader struct{ s string }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

func TestReaderLineTooLong(t *testing.T) {
	r := NewReaderSize(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), 64)
	if _, err := r.Next(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("err %v, want ErrLineTooLong", err)
	}
}

func TestRoundTrip(t *testing.T) {
	evs := []Event{
		{ID: "1", Name: "message_start", Data: []byte(`{"a":"b"}`)},
		{ID: "2", Data: []byte("line one\nline two")},
		{ID: "3", Name: "x", Data: []byte("")},
	}
	var wire []byte
	for _, ev := range evs {
		wire = AppendEvent(wire, ev)
	}
	r := NewReader(strings.NewReader(string(wire)))
	for i, want := range evs {
		m, err := r.Next()
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if m.ID != want.ID || m.Name != want.Name || string(m.Data) != string(want.Data) {
			t.Errorf("event %d = %+v, want %+v", i, m.Event, want)
		}
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"data: a\n\n", "id: 1\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n", ": ping\n\n",
		"data: [DONE]\n\n", "retry: 10\ndata:x\r\r", "\xEF\xBB\xBFdata: a\n\n", "data: a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := NewReaderSize(strings.NewReader(in), 4096)
		r.Comments = true
		var evs []Event
		for range len(in) + 1 {
			m, err := r.Next()
			if err != nil {
				break
			}
			if !m.IsComment {
				evs = append(evs, m.Event)
			}
		}
		// What the reader decoded must survive a write and a second read.
		var wire []byte
		for _, ev := range evs {
			wire = AppendEvent(wire, ev)
		}
		r2 := NewReaderSize(strings.NewReader(string(wire)), 1<<20)
		for i, want := range evs {
			m, err := r2.Next()
			if err != nil {
				t.Fatalf("reread event %d: %v", i, err)
			}
			// An empty id is written as no id line, which keeps the last one.
			if (want.ID != "" && m.ID != want.ID) || m.Name != want.Name || string(m.Data) != string(want.Data) {
				t.Fatalf("reread event %d = %+v, want %+v", i, m.Event, want)
			}
		}
	})
}
