package runtime

import (
	"context"
	"errors"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
	"net/http"
	"strings"
	"testing"

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
