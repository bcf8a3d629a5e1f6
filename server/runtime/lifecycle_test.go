package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
	"go.uber.org/goleak"
)

func TestReaderGoneStopsBackend(t *testing.T) {
	defer goleak.VerifyNone(t)
	fake := fakebackend.New(fakebackend.Story())
	fake.HoldAfter = 2
	ts := newServer(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/model/"+haiku+streamOp, strings.NewReader(labBody))
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readFrame(t, res.Body); err != nil {
		t.Fatal(err)
	}
	cancel()
	res.Body.Close()
	if why := <-fake.Ended; !errors.Is(why, context.Canceled) {
		t.Errorf("backend ended with %v, want context.Canceled", why)
	}
	ts.Close()
}

func TestServesAfterBadInput(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	ts := newServer(t, fake)
	for _, body := range []string{"", "{", "null", "[]", `{"messages":7}`, strings.Repeat("{", 10000)} {
		if res := post(t, ts, "/model/"+haiku+streamOp, "", body); res.StatusCode != http.StatusBadRequest {
			t.Errorf("body %.20q: status %d, want 400", body, res.StatusCode)
		}
	}
	if res := post(t, ts, "/model/"+haiku+streamOp, "", labBody); res.StatusCode != http.StatusOK {
		t.Errorf("good request after bad ones: status %d", res.StatusCode)
	}
}

// TestStalledReaderHitsWriteDeadline: a client that stops reading ends its
// stream at the per-frame write deadline, and the backend is stopped,
// instead of the server buffering or blocking forever.
func TestStalledReaderHitsWriteDeadline(t *testing.T) {
	events := fakebackend.Story()[:2]
	big := strings.Repeat("lighthouse ", 1000)
	for range 5000 { // ~55 MB of frames: far more than socket buffers hold
		events = append(events, rockstream.TextDelta{Index: 0, Text: big})
	}
	events = append(events, fakebackend.Story()[5:]...)
	fake := fakebackend.New(events)
	mux := http.NewServeMux()
	Register(mux, Options{Backend: fake, WriteTimeout: 200 * time.Millisecond})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	res, err := http.Post(ts.URL+"/model/"+haiku+streamOp, "", strings.NewReader(labBody))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// Read nothing more; the server must give up on its own.
	if why := <-fake.Ended; !errors.Is(why, context.Canceled) {
		t.Errorf("backend ended with %v, want it stopped early", why)
	}
}
