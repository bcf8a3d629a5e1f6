package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/internal/sse"
	"github.com/rockstream/rockstream/server/relay"
)

func events(n int) []relay.Item {
	evs := make([]relay.Item, n)
	for i := range evs {
		evs[i] = relay.Item{Data: []byte(fmt.Sprint(i))}
	}
	return evs
}

// TestJournalBounded: a full journal makes the producer wait until a
// reader has been sent the oldest event, then drops it; a resume from
// before the oldest kept event is refused.
func TestJournalBounded(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	j := newJournal("s", openaiDialect{}, 3, cancel)
	if err := j.append(ctx, events(3)); err != nil {
		t.Fatal(err)
	}
	appended := make(chan error, 1)
	go func() { appended <- j.append(ctx, events(1)) }()

	evs, _, err := j.read(ctx, 0)
	if err != nil || len(evs) != 3 || evs[0].ID != "1" || evs[2].ID != "3" {
		t.Fatalf("read %v %v", evs, err)
	}
	select {
	case err := <-appended:
		t.Fatalf("append into a full journal returned %v before anything was sent", err)
	default:
	}
	j.sent(1)
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.read(ctx, 0); !errors.Is(err, errGone) {
		t.Errorf("read from before the oldest: %v, want errGone", err)
	}
	evs, _, err = j.read(ctx, 3)
	if err != nil || len(evs) != 1 || evs[0].ID != "4" {
		t.Errorf("read after 3: %v %v", evs, err)
	}
	j.finish(nil, false)
	if _, done, err := j.read(ctx, 4); !done || err != nil {
		t.Errorf("read at the end: done=%v err=%v", done, err)
	}
}

// TestJournalProducerStopsWithContext: a producer waiting on a full
// journal ends when its context does.
func TestJournalProducerStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	j := newJournal("s", openaiDialect{}, 1, cancel)
	_ = j.append(ctx, events(1))
	done := make(chan error, 1)
	go func() { done <- j.append(ctx, events(1)) }()
	cancel(errExpired)
	if err := <-done; !errors.Is(err, errExpired) {
		t.Errorf("append: %v, want errExpired", err)
	}
}

// TestResumeAfterCancel: under the Cancel policy the upstream stops when
// the reader leaves, and a resume gets what was generated, then the
// in-band error that says the stream was stopped.
func TestResumeAfterCancel(t *testing.T) {
	fb := newFake(story("one", "two", "three")...)
	fb.holdAt, fb.hold = 3, make(chan struct{})
	srv, g := newServer(t, Options{Backend: fb, Resume: ResumeOptions{Retention: 1e9, OnDisconnect: Cancel}})
	res := post(t, srv.URL+"/v1/messages", messagesBody)
	id := res.Header.Get(HeaderStreamID)
	rd := sse.NewReader(res.Body)
	for range 3 { // all the producer will make before the hold
		if _, err := rd.Next(); err != nil {
			t.Fatal(err)
		}
	}
	res.Body.Close()
	<-fb.cancelled
	waitReaders(t, g, id, 0)

	req, _ := http.NewRequest("GET", srv.URL+"/v1/streams/"+id, nil)
	req.Header.Set("Last-Event-ID", "1")
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	msgs := readEvents(t, res2.Body)
	if len(msgs) != 3 || msgs[0].ID != "2" || msgs[1].Name != "content_block_delta" {
		t.Fatalf("resumed events %+v", msgs)
	}
	if last := msgs[2]; last.Name != "error" || !strings.Contains(string(last.Data), "reader disconnected") {
		t.Errorf("last event %s %s", last.Name, last.Data)
	}
}

// TestJournalByteBound: a journal's bytes are bounded as its events are:
// the producer waits until the oldest have been sent, then they go; an
// event bigger than the bound is kept alone rather than never.
func TestJournalByteBound(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	j := newJournal("s", openaiDialect{}, 100, cancel)
	ev := relay.Item{Data: make([]byte, 100)}
	one := itemBytes(relay.Item{Data: ev.Data, ID: "1"})
	j.maxBytes = journalOverhead + 3*one
	if err := j.append(ctx, []relay.Item{ev, ev, ev}); err != nil {
		t.Fatal(err)
	}
	appended := make(chan error, 1)
	go func() { appended <- j.append(ctx, []relay.Item{ev}) }()
	select {
	case err := <-appended:
		t.Fatalf("append past the byte bound returned %v before anything was sent", err)
	default:
	}
	j.sent(2)
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	if held, n := j.held(), len(j.frames); held > j.maxBytes || n != 3 || j.base != 1 {
		t.Errorf("journal holds %d bytes in %d events from %d; bound %d", held, n, j.base+1, j.maxBytes)
	}

	j.sent(4)
	big := relay.Item{Data: make([]byte, 10*one)}
	if err := j.append(ctx, []relay.Item{big}); err != nil {
		t.Fatal(err)
	}
	if evs, _, err := j.read(ctx, 4); err != nil || len(evs) != 1 || len(evs[0].Data) != len(big.Data) || len(j.frames) != 1 {
		t.Errorf("an oversized event: read %d events, %v; journal keeps %d", len(evs), err, len(j.frames))
	}
}
