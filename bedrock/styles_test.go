package bedrock

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestDo(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		srv := newTLSServer(t, serveFrames(claudeFrames(t, "Once ", "upon a time")...))
		c := newTestClient(t, srv, Options{Direct: direct})
		var n int
		resp, err := c.Do(context.Background(), textRequest("story"), func(rockstream.Event) error { n++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if rockstream.TextOf(resp.Message.Content) != "Once upon a time" || resp.StopReason != rockstream.StopEndTurn ||
			resp.Usage.OutputTokens != 7 || resp.RequestID != "req-123" || n != 7 {
			t.Errorf("response %+v after %d events", resp, n)
		}
	})
}

func TestDoCallbackErrorStopsTheStream(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		start, _, deltas := claudeChunks("first", "second")
		gone := make(chan struct{})
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			startStream(w)
			for _, c := range append(start, deltas...) {
				writeFrames(w, chunkFrame(t, c))
			}
			<-r.Context().Done()
			close(gone)
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		errStop := errors.New("reader is full")
		resp, err := c.Do(context.Background(), textRequest("x"), func(ev rockstream.Event) error {
			if _, ok := ev.(rockstream.TextDelta); ok {
				return errStop
			}
			return nil
		})
		if err != errStop {
			t.Fatalf("error %v, want the callback's own", err)
		}
		if got := rockstream.TextOf(resp.Message.Content); got != "first" {
			t.Errorf("partial text %q", got)
		}
		select {
		case <-gone:
		case <-time.After(10 * time.Second):
			t.Fatal("the request was not cancelled")
		}
	})
}

func TestStreamText(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, serveFrames(claudeFrames(t, "a", "b", "c")...))
	c := newTestClient(t, srv, Options{})
	var got []string
	resp, err := c.StreamText(context.Background(), textRequest("x"), func(s string) { got = append(got, s) })
	if err != nil || len(got) != 3 || got[2] != "c" || resp.Usage.InputTokens != 12 {
		t.Errorf("pieces %q, response %+v, error %v", got, resp, err)
	}
}

func TestEventsToTheEnd(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, serveFrames(claudeFrames(t, "x", "y")...))
	c := newTestClient(t, srv, Options{})
	var events []rockstream.Event
	for r := range c.Events(context.Background(), textRequest("x")) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		events = append(events, r.Event)
	}
	if textOf(events) != "xy" {
		t.Errorf("text %q", textOf(events))
	}
	if _, ok := events[len(events)-1].(rockstream.Metadata); !ok {
		t.Errorf("last event %T", events[len(events)-1])
	}
}

func TestEventsErrorThenClose(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 403, "AccessDeniedException", "no")
	}))
	c := newTestClient(t, srv, Options{})
	var results []Result
	for r := range c.Events(context.Background(), textRequest("x")) {
		results = append(results, r)
	}
	if len(results) != 1 || results[0].Event != nil || asError(t, results[0].Err).Class != rockstream.ClassAccessDenied {
		t.Errorf("results %+v, want one access-denied error", results)
	}
}

// A reader that stops reading and cancels leaves nothing running.
func TestEventsReaderStops(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		start, _, deltas := claudeChunks("a", "b", "c")
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			startStream(w)
			for _, c := range append(start, deltas...) {
				writeFrames(w, chunkFrame(t, c))
			}
			<-r.Context().Done()
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		ctx, cancel := context.WithCancel(context.Background())
		ch := c.Events(ctx, textRequest("x"))
		<-ch // MessageStart; the producer now blocks sending the next event
		cancel()
		srv.Close()
		verifyNoLeaks(t)
	})
}
