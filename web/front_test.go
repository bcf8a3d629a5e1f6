package web_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// front serves the browser on a fixed loopback address that the e2e script
// can take down and bring back, so the page meets a real refused connection,
// as when a person stops the server, rather than a proxy's 502.
//
// Control, on a separate server (the front itself may be down):
//
//	POST /down   close the listener and every connection
//	POST /up     listen again on the same address
type front struct {
	handler http.Handler
	addr    string

	mu  sync.Mutex
	srv *http.Server
}

// startFront serves h and returns the front's URL and its control URL.
func startFront(t *testing.T, h http.Handler) (url, control string) {
	t.Helper()
	f := &front{handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	f.serve(ln)
	t.Cleanup(f.down)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /down", func(w http.ResponseWriter, r *http.Request) {
		f.down()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /up", func(w http.ResponseWriter, r *http.Request) {
		if err := f.up(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	ctl := httptest.NewServer(mux)
	t.Cleanup(ctl.Close)
	return "http://" + f.addr, ctl.URL
}

func (f *front) serve(ln net.Listener) {
	srv := &http.Server{Handler: f.handler, ReadHeaderTimeout: 10 * time.Second}
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
	go srv.Serve(ln)
}

func (f *front) down() {
	f.mu.Lock()
	srv := f.srv
	f.srv = nil
	f.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// up listens on the front's address again; Go sets SO_REUSEADDR, so the
// closed connections' TIME_WAIT does not hold the port.
func (f *front) up() error {
	f.mu.Lock()
	running := f.srv != nil
	f.mu.Unlock()
	if running {
		return errors.New("front: already up")
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	f.serve(ln)
	return nil
}
