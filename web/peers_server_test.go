package web_test

import (
	"context"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
	"github.com/rockstream/rockstream/web"
)

// TestChatPageAgainstServer drives the page in Chromium against the real
// server: the builtin model behind the gateway's /v1/messages, with resume
// keeping generation going for a short while after a reader leaves.
func TestChatPageAgainstServer(t *testing.T) {
	node := needPeers(t, true)
	backend := &recordingBackend{inner: builtin.New(builtin.Options{})}
	var gw *gateway.Gateway
	srv, err := server.New(server.Options{
		Backend: backend,
		Mount: func(mux *http.ServeMux) {
			gw = gateway.Register(mux, gateway.Options{
				Backend: backend,
				// serve's defaults: five minutes to resume, and the grace
				// policy keeps generating while the browser reconnects;
				// Stop cancels at once with DELETE.
				Resume: gateway.ResumeOptions{Retention: 5 * time.Minute},
			})
			mux.Handle("GET /", web.Handler())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	target := httptest.NewServer(srv.Handler())
	defer target.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		gw.Shutdown(ctx)
	}()

	res := runChat(t, node, target.URL, backend.log)
	checkChat(t, res, false)
	if res.Stop.Server == nil || res.Stop.Server.State != "cancelled" {
		t.Errorf("the backend's stopped stream was not cancelled: %+v", res.Stop.Server)
	}
	if !strings.Contains(strings.Join(res.Models, " "), "anthropic.") {
		t.Errorf("models %v lack the catalog's", res.Models)
	}
}

// recordingBackend notes how each stream of the backend it wraps ended, so a
// test can see that stopping the page cancelled the model.
type recordingBackend struct {
	inner rockstream.Backend

	mu      sync.Mutex
	streams []*streamLog
}

func (b *recordingBackend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		rec := &streamLog{State: "running"}
		b.mu.Lock()
		b.streams = append(b.streams, rec)
		b.mu.Unlock()
		state := "complete"
		defer func() {
			if ctx.Err() != nil {
				state = "cancelled"
			}
			b.mu.Lock()
			rec.State = state
			b.mu.Unlock()
		}()
		for ev, err := range b.inner.Stream(ctx, req) {
			if _, ok := ev.(rockstream.TextDelta); ok {
				b.mu.Lock()
				rec.Produced++
				b.mu.Unlock()
			}
			if err != nil {
				state = "error"
			}
			if !yield(ev, err) {
				state = "cancelled"
				return
			}
		}
	}
}

func (b *recordingBackend) log() []streamLog {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []streamLog{}
	for _, s := range b.streams {
		out = append(out, *s)
	}
	return out
}
