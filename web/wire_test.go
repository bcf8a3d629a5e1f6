package web_test

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// wire is the network between the browser and the server under test: a
// reverse proxy that can drop the connection of the next /v1/messages
// response after a number of SSE events, and records what each stream
// request looked like from the server's side of the browser.
//
// Control, for the e2e script:
//
//	POST /__test/cut?after=N   drop the next /v1/messages after N events
//	GET  /__test/log           {"wire": [...], "server": [...]}
type wire struct {
	proxy     *httputil.ReverseProxy
	serverLog func() []streamLog // the server's own account of its streams

	mu       sync.Mutex
	cutAfter int
	records  []*wireRecord
	errors   []string // what the proxy logged: failed copies, refused connections
}

// Write receives the proxy's error log.
func (wi *wire) Write(p []byte) (int, error) {
	wi.mu.Lock()
	defer wi.mu.Unlock()
	wi.errors = append(wi.errors, strings.TrimSpace(string(p)))
	return len(p), nil
}

type wireRecord struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Status   int    `json:"status"`
	StreamID string `json:"streamId"`
	Events   int    `json:"events"`
	Stopped  bool   `json:"stopped"`  // the response carried message_stop
	Cut      bool   `json:"cut"`      // the wire dropped the connection
	Aborted  bool   `json:"aborted"`  // the browser went away before the end
	Finished bool   `json:"finished"` // the proxy is done with it
}

func newWire(target *url.URL, serverLog func() []streamLog) *wire {
	p := httputil.NewSingleHostReverseProxy(target)
	p.FlushInterval = -1
	// A fresh upstream connection per request keeps one stream's end from
	// touching the next.
	p.Transport = &http.Transport{DisableKeepAlives: true}
	wi := &wire{proxy: p, serverLog: serverLog}
	p.ErrorLog = log.New(wi, "", 0)
	return wi
}

func (wi *wire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/__test/cut":
		n, err := strconv.Atoi(r.URL.Query().Get("after"))
		if err != nil || n < 1 {
			http.Error(w, "after=N wanted", http.StatusBadRequest)
			return
		}
		wi.mu.Lock()
		wi.cutAfter = n
		wi.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case "/__test/log":
		wi.mu.Lock()
		recs := make([]wireRecord, len(wi.records))
		for i, rec := range wi.records {
			recs[i] = *rec
		}
		errs := append([]string{}, wi.errors...)
		wi.mu.Unlock()
		out := map[string]any{"wire": recs, "server": wi.serverLog(), "errors": errs}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
		return
	}
	isStream := r.URL.Path == "/v1/messages" || len(r.URL.Path) > len("/v1/streams/") && r.URL.Path[:len("/v1/streams/")] == "/v1/streams/"
	if !isStream {
		wi.proxy.ServeHTTP(w, r)
		return
	}
	rec := &wireRecord{Method: r.Method, Path: r.URL.Path}
	cw := &cuttingWriter{ResponseWriter: w, rec: rec, wire: wi}
	if r.URL.Path == "/v1/messages" {
		wi.mu.Lock()
		cw.cutAfter, wi.cutAfter = wi.cutAfter, 0
		wi.mu.Unlock()
	}
	wi.mu.Lock()
	wi.records = append(wi.records, rec)
	wi.mu.Unlock()
	defer func() {
		wi.mu.Lock()
		rec.Aborted = !rec.Stopped && r.Context().Err() != nil
		rec.Finished = true
		wi.mu.Unlock()
	}()
	wi.proxy.ServeHTTP(cw, r)
}

// cuttingWriter counts the SSE events passing through and, when armed,
// drops the connection right after the cutAfter-th.
type cuttingWriter struct {
	http.ResponseWriter
	rec      *wireRecord
	wire     *wire
	cutAfter int
	tail     []byte // the end of what was written, to find "\n\n" across writes
}

func (c *cuttingWriter) WriteHeader(status int) {
	c.wire.mu.Lock()
	c.rec.Status = status
	c.rec.StreamID = c.Header().Get("X-Rockstream-Stream-Id")
	c.wire.mu.Unlock()
	c.ResponseWriter.WriteHeader(status)
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		buf := append(c.tail, p...)
		i := bytes.Index(buf, []byte("\n\n"))
		if i < 0 {
			n, err := c.ResponseWriter.Write(p)
			c.keepTail(p[:n])
			return written + n, err
		}
		end := i + 2 - len(c.tail) // bytes of p up to and including the boundary
		n, err := c.ResponseWriter.Write(p[:end])
		written += n
		if err != nil {
			return written, err
		}
		c.wire.mu.Lock()
		c.rec.Events++
		if bytes.Contains(buf[:i], []byte("message_stop")) {
			c.rec.Stopped = true
		}
		cut := c.cutAfter > 0 && c.rec.Events >= c.cutAfter
		if cut {
			c.rec.Cut = true
		}
		c.wire.mu.Unlock()
		c.tail = nil
		p = p[end:]
		if cut {
			http.NewResponseController(c.ResponseWriter).Flush()
			panic(http.ErrAbortHandler) // net/http closes the connection mid-body
		}
	}
	return written, nil
}

// keepTail remembers the current event's bytes (bounded) so a boundary or
// "message_stop" split across writes is still seen.
func (c *cuttingWriter) keepTail(p []byte) {
	c.tail = append(c.tail, p...)
	if len(c.tail) > 4096 {
		c.tail = c.tail[len(c.tail)-4096:]
	}
}

func (c *cuttingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
