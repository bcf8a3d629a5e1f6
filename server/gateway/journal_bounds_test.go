package gateway

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
)

// recount is what the store's journals hold, counted here from their
// events rather than from the store's own tally, which it must equal.
func recount(t *testing.T, g *Gateway) (held int64, count int, perKey map[string]int64) {
	t.Helper()
	s := g.local
	s.mu.Lock()
	defer s.mu.Unlock()
	perKey = map[string]int64{}
	for _, j := range s.m {
		j.mu.Lock()
		n := int64(journalOverhead)
		for _, it := range j.frames {
			n += int64(len(it.Data)+len(it.Name)+len(it.ID)) + itemOverhead
		}
		if n != j.bytes {
			t.Errorf("journal %s counts %d bytes, holds %d", j.id, j.bytes, n)
		}
		j.mu.Unlock()
		held += n
		perKey[j.owner] += n
	}
	return held, len(s.m), perKey
}

func manyPieces(n int) []string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf(" word%d", i)
	}
	return p
}

// resumable reports whether stream id is still kept: a resume from its
// start is answered, if only with 410 because its window has moved on.
func resumable(t *testing.T, url, id string, header ...string) bool {
	t.Helper()
	res := do(t, http.MethodGet, url+"/v1/streams/"+id, header...)
	if res.StatusCode == http.StatusOK {
		readEvents(t, res.Body)
	}
	return res.StatusCode != http.StatusNotFound
}

// TestJournalsStayWithinBounds: however many streams run, the journals
// hold no more than their bounds in bytes and count, each stream's no
// more than its own, and the oldest finished are the ones forgotten.
func TestJournalsStayWithinBounds(t *testing.T) {
	lim := ResumeOptions{Retention: time.Hour, MaxStreamBytes: 4 << 10, MaxBytes: 40 << 10, MaxJournals: 8}
	srv, g := newServer(t, Options{Backend: newFake(story(manyPieces(40)...)...), Resume: lim})
	var ids []string
	for i := range 200 {
		res := post(t, srv.URL+"/v1/chat/completions", chatBody)
		if got := res.Header.Get(HeaderResume); got != "available" {
			t.Fatalf("stream %d: %s %q", i, HeaderResume, got)
		}
		readEvents(t, res.Body)
		res.Body.Close()
		ids = append(ids, res.Header.Get(HeaderStreamID))

		held, count, _ := recount(t, g)
		charged, _, _ := g.local.usage()
		if held > lim.MaxBytes || charged > lim.MaxBytes || count > lim.MaxJournals {
			t.Fatalf("after %d streams the journals hold %d bytes (charged %d) in %d journals; bounds %d bytes, %d journals",
				i+1, held, charged, count, lim.MaxBytes, lim.MaxJournals)
		}
	}
	g.local.mu.Lock()
	for _, j := range g.local.m {
		if j.bytes > lim.MaxStreamBytes+512 { // the last events are kept regardless
			t.Errorf("journal %s holds %d bytes, bound %d", j.id, j.bytes, lim.MaxStreamBytes)
		}
	}
	g.local.mu.Unlock()
	held, count, _ := recount(t, g)
	t.Logf("after %d streams: %d journals hold %d bytes", len(ids), count, held)
	if count < lim.MaxJournals-1 {
		t.Errorf("%d journals kept of %d allowed: finished ones are forgotten only to make room", count, lim.MaxJournals)
	}
	if !resumable(t, srv.URL, ids[len(ids)-2]) || resumable(t, srv.URL, ids[0]) {
		t.Error("the newest finished stream must be resumable and the oldest forgotten")
	}
}

// TestJournalsPerKey: one key's flood of streams forgets that key's own
// oldest journals, within its bounds, and leaves another key's alone.
func TestJournalsPerKey(t *testing.T) {
	tests := []struct {
		name string
		lim  ResumeOptions
	}{
		{"count", ResumeOptions{MaxJournalsPerKey: 3}},
		{"bytes", ResumeOptions{MaxStreamBytes: 4 << 10, MaxBytesPerKey: 12 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.lim
			lim.Retention = time.Hour
			srv, g := newServer(t, Options{Backend: newFake(story(manyPieces(40)...)...), APIKeys: []string{"sk-a", "sk-b"}, Resume: lim})
			bob := finishedStream(t, srv.URL, "sk-b")
			var alice []string
			for range 30 {
				alice = append(alice, finishedStream(t, srv.URL, "sk-a"))
				_, _, perKey := recount(t, g)
				lim := lim.withDefaults()
				g.local.mu.Lock()
				u := *g.local.keys["sk-a"]
				g.local.mu.Unlock()
				if u.count > lim.MaxJournalsPerKey || u.bytes > lim.MaxBytesPerKey || perKey["sk-a"] > lim.MaxBytesPerKey {
					t.Fatalf("one key's journals: %+v, hold %d; bounds %d journals, %d bytes",
						u, perKey["sk-a"], lim.MaxJournalsPerKey, lim.MaxBytesPerKey)
				}
			}
			if !resumable(t, srv.URL, bob, "x-api-key", "sk-b") {
				t.Error("another key's flood evicted this key's journal")
			}
			if !resumable(t, srv.URL, alice[len(alice)-2], "x-api-key", "sk-a") || resumable(t, srv.URL, alice[0], "x-api-key", "sk-a") {
				t.Error("the flooding key's newest must stay resumable and its oldest go")
			}
		})
	}
}

// TestLiveJournalsFillTheBound: when live streams' journals take the
// whole bound, a new stream is served in full without a journal, says so
// in HeaderResume, and cannot be resumed; the live ones can.
func TestLiveJournalsFillTheBound(t *testing.T) {
	fb := newFake(story("one", " two", " three")...)
	fb.holdAt, fb.hold = 3, make(chan struct{})
	lim := ResumeOptions{Retention: time.Hour, MaxStreamBytes: 4 << 10, MaxBytes: 8 << 10}
	srv, _ := newServer(t, Options{Backend: fb, Resume: lim})

	var bodies []*http.Response
	var readers []*sse.Reader
	for i := range 3 {
		res := post(t, srv.URL+"/v1/chat/completions", chatBody)
		want := "available"
		if i == 2 {
			want = "unavailable"
		}
		if got := res.Header.Get(HeaderResume); res.StatusCode != http.StatusOK || got != want {
			t.Fatalf("stream %d: status %d, %s %q, want %q", i, res.StatusCode, HeaderResume, got, want)
		}
		rd := sse.NewReader(res.Body)
		if _, err := rd.Next(); err != nil { // live: the producer is held
			t.Fatal(err)
		}
		bodies, readers = append(bodies, res), append(readers, rd)
	}
	close(fb.hold)
	for i, rd := range readers {
		var msgs []sse.Message
		for {
			m, err := rd.Next()
			if err != nil {
				break
			}
			msgs = append(msgs, m)
		}
		if text := chatText(t, msgs); text != "one two three" {
			t.Errorf("stream %d: text %q", i, text)
		}
	}
	if !resumable(t, srv.URL, bodies[0].Header.Get(HeaderStreamID)) {
		t.Error("a journaled stream is not resumable")
	}
	if resumable(t, srv.URL, bodies[2].Header.Get(HeaderStreamID)) {
		t.Error("a stream without a journal resumed")
	}
}

// usage is what the journals take of the bounds: bytes charged, bytes
// held and count, overall.
func (s *memoryJournals) usage() (charged, held int64, count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.m {
		held += j.held()
	}
	return s.bytes, held, len(s.m)
}
