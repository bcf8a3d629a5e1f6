package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
)

// leaveAfter reads n events of a new chat stream on url and disconnects;
// it returns the stream's ID, the text read and the last event ID.
func leaveAfter(t *testing.T, url string, n int, header ...string) (id, text, last string) {
	t.Helper()
	res := post(t, url+"/v1/chat/completions", chatBody, header...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream: status %d %s", res.StatusCode, bodyOf(t, res))
	}
	rd := sse.NewReader(res.Body)
	var got []sse.Message
	for range n {
		m, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	res.Body.Close()
	return res.Header.Get(HeaderStreamID), chatText(t, got), rd.LastEventID()
}

// resumeText follows stream id on url after last to its end.
func resumeText(t *testing.T, url, id, last string, header ...string) (string, []sse.Message) {
	t.Helper()
	res := do(t, http.MethodGet, url+"/v1/streams/"+id, append([]string{"Last-Event-ID", last}, header...)...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("resume %s after %s: status %d %s", id, last, res.StatusCode, bodyOf(t, res))
	}
	msgs := readEvents(t, res.Body)
	return chatText(t, msgs), msgs
}

// TestGraceKeepsGeneratingForAReaderWhoReturns: under the Grace policy
// the upstream goes on after the reader dropped, so the reader who comes
// back within the window gets the whole answer from one upstream call.
func TestGraceKeepsGeneratingForAReaderWhoReturns(t *testing.T) {
	pieces := []string{"Once", " upon", " a", " time", " there", " was", " a", " stream."}
	fb := newFake(story(pieces...)...)
	fb.holdAt, fb.hold = 5, make(chan struct{})
	srv, g := newServer(t, Options{Backend: fb, Resume: ResumeOptions{Retention: time.Hour, OnDisconnect: Grace, Grace: time.Hour}})

	id, first, last := leaveAfter(t, srv.URL, 4)
	waitReaders(t, g, id, 0)
	close(fb.hold) // the upstream goes on with nobody reading
	rest, msgs := resumeText(t, srv.URL, id, last)
	if got, want := first+rest, strings.Join(pieces, ""); got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if !msgs[len(msgs)-1].IsDone() {
		t.Errorf("resumed stream ends with %s", msgs[len(msgs)-1].Data)
	}
	select {
	case <-fb.cancelled:
		t.Error("the upstream was cancelled within the grace window")
	default:
	}
	if n := fb.calls.Load(); n != 1 {
		t.Errorf("%d upstream calls, want 1", n)
	}
}

// TestGraceStopsAnAbandonedStream: nobody came back within the window, so
// the upstream is cancelled, and a late reader is told why.
func TestGraceStopsAnAbandonedStream(t *testing.T) {
	fb := newFake(story("one", " two")...)
	fb.holdAt, fb.hold = 3, make(chan struct{}) // never released: only a cancel ends it
	srv, _ := newServer(t, Options{Backend: fb, Resume: ResumeOptions{Retention: time.Hour, OnDisconnect: Grace, Grace: time.Millisecond}})

	id, _, last := leaveAfter(t, srv.URL, 2)
	select {
	case <-fb.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream went on after the grace window")
	}
	_, msgs := resumeText(t, srv.URL, id, last)
	if end := msgs[len(msgs)-1]; !strings.Contains(string(end.Data), "after its reader disconnected") {
		t.Errorf("late reader's last event %s, want the disconnect error", end.Data)
	}
}
