package gateway

import (
	"net/http"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/sse"
)

// Under the Finish policy a stream outlives its reader so that it can
// resume; DELETE /v1/streams/{id} is the client's Stop, which ends the
// upstream at once instead of at the end of the retention window.
func TestDeleteStopsAFinishingStream(t *testing.T) {
	fb := newFake(story("one", " two")...)
	fb.holdAt, fb.hold = 3, make(chan struct{}) // never released: only a cancel ends it
	srv, g := newServer(t, Options{Backend: fb, Resume: ResumeOptions{Retention: time.Hour, OnDisconnect: Finish}})

	res := post(t, srv.URL+"/v1/messages", messagesBody)
	id := res.Header.Get(HeaderStreamID)
	rd := sse.NewReader(res.Body)
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitReaders(t, g, id, 0)

	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/v1/streams/"+id, nil)
	del, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	del.Body.Close()
	if del.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE status %d", del.StatusCode)
	}
	select {
	case <-fb.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream stream was not cancelled by DELETE")
	}
	again, err := http.DefaultClient.Do(req.Clone(req.Context()))
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotFound {
		t.Errorf("second DELETE status %d, want 404", again.StatusCode)
	}
}
