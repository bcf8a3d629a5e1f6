package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream/internal/redistest"
	"github.com/rockstream/rockstream/internal/sse"
)

// replicas are gateways that share one real Redis, as replicas behind a
// load balancer do; each has its own backend.
type replicas struct {
	redis *redistest.Server
	urls  []string
	gws   []*Gateway
	regs  []*prometheus.Registry
}

func newReplicas(t *testing.T, backends []*fakeBackend, resume ResumeOptions) *replicas {
	t.Helper()
	rs := &replicas{redis: redistest.Start(t)}
	for _, fb := range backends {
		rdb := redis.NewClient(&redis.Options{Addr: rs.redis.Addr(), MaxRetries: -1})
		t.Cleanup(func() { rdb.Close() })
		reg := prometheus.NewRegistry()
		mux := http.NewServeMux()
		g := Register(mux, Options{Backend: fb, APIKeys: []string{"sk-a", "sk-b"}, Keepalive: time.Hour,
			Resume: resume, Redis: rdb, Metrics: reg})
		srv := httptest.NewServer(mux)
		t.Cleanup(func() {
			srv.Close()
			_ = g.Shutdown(context.Background())
		})
		rs.urls, rs.gws, rs.regs = append(rs.urls, srv.URL), append(rs.gws, g), append(rs.regs, reg)
	}
	return rs
}

var keyA = []string{"Authorization", "Bearer sk-a"}

// TestRedisResumeOnAnotherReplica: a reader drops on replica A and resumes
// on B from its Last-Event-ID, live, while A is still generating, and gets
// exactly the missing text; a second reader on B follows along from the
// start. A's upstream is called once.
func TestRedisResumeOnAnotherReplica(t *testing.T) {
	pieces := []string{"Once", " upon", " a", " time", " there", " was", " a", " stream."}
	fa := newFake(story(pieces...)...)
	fa.holdAt, fa.hold = 5, make(chan struct{})
	fb := newFake()
	rs := newReplicas(t, []*fakeBackend{fa, fb}, ResumeOptions{Retention: time.Hour, OnDisconnect: Grace, Grace: time.Hour})
	a, b := rs.urls[0], rs.urls[1]

	id, first, last := leaveAfter(t, a, 4, keyA...)
	type result struct {
		failed string
		msgs   []sse.Message
	}
	follow := func(after string) <-chan result {
		c := make(chan result, 1)
		req, _ := http.NewRequest(http.MethodGet, b+"/v1/streams/"+id, nil)
		req.Header.Set("Last-Event-ID", after)
		req.Header.Set(keyA[0], keyA[1])
		go func() {
			var r result
			defer func() { c <- r }()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				r.failed = err.Error()
				return
			}
			defer res.Body.Close()
			rd := sse.NewReader(res.Body)
			for {
				m, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					r.failed = err.Error()
					return
				}
				r.msgs = append(r.msgs, m)
			}
			if res.StatusCode != http.StatusOK {
				r.failed = fmt.Sprintf("status %d", res.StatusCode)
			}
		}()
		return c
	}
	resumed, whole := follow(last), follow("")
	close(fa.hold) // A goes on while B's readers wait

	want := strings.Join(pieces, "")
	r, w := <-resumed, <-whole
	if r.failed != "" || w.failed != "" {
		t.Fatalf("resume on B: %s; second reader on B: %s", r.failed, w.failed)
	}
	if got := first + chatText(t, r.msgs); got != want {
		t.Errorf("dropped on A, resumed on B: %q, want %q", got, want)
	}
	if r.msgs[0].ID != "5" {
		t.Errorf("resumed after %s from event %s, want 5", last, r.msgs[0].ID)
	}
	if got := chatText(t, w.msgs); got != want {
		t.Errorf("second reader on B: %q, want %q", got, want)
	}
	if fa.calls.Load() != 1 || fb.calls.Load() != 0 {
		t.Errorf("upstream calls: A %d, B %d; want 1, 0", fa.calls.Load(), fb.calls.Load())
	}
}

// TestRedisReplaysAFinishedStream: a finished stream replays on any
// replica, from the start or after an event; another key is told it does
// not exist; an event ID past the end is refused.
func TestRedisReplaysAFinishedStream(t *testing.T) {
	rs := newReplicas(t, []*fakeBackend{newFake(story("all", " of", " it")...), newFake()}, ResumeOptions{Retention: time.Hour})
	a, b := rs.urls[0], rs.urls[1]
	id := finishedStream(t, a, "sk-a")

	whole, msgs := resumeText(t, b, id, "", keyA...)
	if whole != "all of it" || !msgs[len(msgs)-1].IsDone() {
		t.Errorf("replay on B: %q ending %s", whole, msgs[len(msgs)-1].Data)
	}
	if rest, _ := resumeText(t, b, id, "2", keyA...); rest != " of it" { // event 1 is the role chunk
		t.Errorf("replay on B after 2: %q", rest)
	}
	if res := do(t, http.MethodGet, b+"/v1/streams/"+id, "Authorization", "Bearer sk-b"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another key on B: status %d, want 404", res.StatusCode)
	}
	past := do(t, http.MethodGet, b+"/v1/streams/"+id, "Authorization", "Bearer sk-a", "Last-Event-ID", "99")
	if body := bodyOf(t, past); past.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "past the end") {
		t.Errorf("Last-Event-ID past the end on B: %d %s", past.StatusCode, body)
	}
}

// TestRedisDeleteOnAnotherReplica: DELETE on B stops the producer on A.
func TestRedisDeleteOnAnotherReplica(t *testing.T) {
	fa := newFake(story("one", " two")...)
	fa.holdAt, fa.hold = 3, make(chan struct{}) // never released: only a cancel ends it
	rs := newReplicas(t, []*fakeBackend{fa, newFake()}, ResumeOptions{Retention: time.Hour, OnDisconnect: Finish})
	a, b := rs.urls[0], rs.urls[1]
	id, _, _ := leaveAfter(t, a, 1, keyA...)

	if res := do(t, http.MethodDelete, b+"/v1/streams/"+id, "Authorization", "Bearer sk-b"); res.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE by another key on B: %d, want 404", res.StatusCode)
	}
	select {
	case <-fa.cancelled:
		t.Fatal("another key's DELETE stopped the stream")
	default:
	}
	if res := do(t, http.MethodDelete, b+"/v1/streams/"+id, keyA...); res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE on B: %d %s", res.StatusCode, bodyOf(t, res))
	}
	select {
	case <-fa.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("DELETE on B did not stop the upstream on A")
	}
}

// TestRedisTrimmedEventsAreGone: a journal in Redis keeps MaxEvents; a
// reader further behind is told the events it needs are gone.
func TestRedisTrimmedEventsAreGone(t *testing.T) {
	rs := newReplicas(t, []*fakeBackend{newFake(story("a", "b", "c", "d", "e", "f", "g", "h")...), newFake()},
		ResumeOptions{Retention: time.Hour, MaxEvents: 4})
	id := finishedStream(t, rs.urls[0], "sk-a")
	res := do(t, http.MethodGet, rs.urls[1]+"/v1/streams/"+id, "Authorization", "Bearer sk-a", "Last-Event-ID", "1")
	if res.StatusCode != http.StatusGone {
		t.Errorf("resume behind the trimmed events: %d %s, want 410", res.StatusCode, bodyOf(t, res))
	}
}

// readyz is a replica's /readyz.
func readyz(t *testing.T, url string) (int, map[string]string) {
	t.Helper()
	res := do(t, http.MethodGet, url+"/readyz")
	var st map[string]string
	if err := json.Unmarshal(bodyOf(t, res), &st); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, st
}

// TestRedisLossKeepsLiveStreams: Redis killed mid-stream leaves the
// stream complete for its reader; the loss is counted and /readyz says
// so; once Redis is back, new streams resume across replicas again.
func TestRedisLossKeepsLiveStreams(t *testing.T) {
	pieces := []string{"Redis", " may", " go", " but", " the", " stream", " goes", " on."}
	fa := newFake(story(pieces...)...)
	fa.holdAt, fa.hold = 4, make(chan struct{})
	rs := newReplicas(t, []*fakeBackend{fa, newFake()}, ResumeOptions{Retention: time.Hour})
	a, b := rs.urls[0], rs.urls[1]
	if code, st := readyz(t, a); code != 200 || st["redis"] != "up" {
		t.Fatalf("/readyz with Redis up: %d %v", code, st)
	}

	res := post(t, a+"/v1/chat/completions", chatBody, keyA...)
	rd := sse.NewReader(res.Body)
	var head []sse.Message
	for range 3 {
		m, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		head = append(head, m)
	}
	rs.redis.Kill()
	close(fa.hold)
	tail := readEvents(t, res.Body)
	if got, want := chatText(t, head)+chatText(t, tail), strings.Join(pieces, ""); got != want {
		t.Errorf("with Redis killed mid-stream the reader got %q, want %q", got, want)
	}
	if !tail[len(tail)-1].IsDone() {
		t.Errorf("stream ended with %s", tail[len(tail)-1].Data)
	}
	// The mirror gives up on its own time, after the reader's end.
	for deadline := time.Now().Add(10 * time.Second); testutil.ToFloat64(rs.gws[0].shared.lost) < 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := testutil.ToFloat64(rs.gws[0].shared.lost); n != 1 {
		t.Errorf("rockstream_resume_lost_total %v, want 1", n)
	}
	if code, st := readyz(t, a); code != http.StatusServiceUnavailable || st["redis"] != "down" {
		t.Errorf("/readyz with Redis down: %d %v", code, st)
	}
	// Resumable still on its own replica.
	if text, _ := resumeText(t, a, res.Header.Get(HeaderStreamID), "2", keyA...); !strings.HasSuffix(strings.Join(pieces, ""), text) || text == "" {
		t.Errorf("resume on A without Redis: %q", text)
	}

	rs.redis.Restart()
	if code, st := readyz(t, a); code != 200 || st["redis"] != "up" {
		t.Errorf("/readyz with Redis back: %d %v", code, st)
	}
	id := finishedStream(t, a, "sk-a")
	if text, _ := resumeText(t, b, id, "", keyA...); text != strings.Join(pieces, "") {
		t.Errorf("a new stream on B after Redis came back: %q", text)
	}
}

// TestRedisReaderToldOfItsReplicasShutdown: a reader following on replica
// B a stream that A produces is one of B's open streams: when B shuts
// down, the reader is told so at once in its dialect (retryable, so it can
// resume elsewhere), and A's stream goes on.
func TestRedisReaderToldOfItsReplicasShutdown(t *testing.T) {
	fa := newFake(story("one", " two", " three")...)
	fa.holdAt, fa.hold = 3, make(chan struct{})
	defer close(fa.hold)
	rs := newReplicas(t, []*fakeBackend{fa, newFake()}, ResumeOptions{Retention: time.Hour, OnDisconnect: Grace, Grace: time.Hour})
	id, _, last := leaveAfter(t, rs.urls[0], 1, keyA...)

	res := do(t, http.MethodGet, rs.urls[1]+"/v1/streams/"+id, "Last-Event-ID", last, keyA[0], keyA[1])
	if res.StatusCode != http.StatusOK {
		t.Fatalf("follow on B: status %d %s", res.StatusCode, bodyOf(t, res))
	}
	rd := sse.NewReader(res.Body)
	if _, err := rd.Next(); err != nil { // B is relaying A's stream
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rs.gws[1].Shutdown(ctx); err != nil {
		t.Fatalf("B's shutdown: %v", err)
	}
	told := make(chan sse.Message, 1)
	go func() {
		defer close(told)
		for {
			m, err := rd.Next()
			if err != nil {
				return
			}
			if m.Name == "error" || strings.Contains(string(m.Data), `"error"`) {
				told <- m
				return
			}
		}
	}()
	var end sse.Message
	select {
	case m, ok := <-told:
		if !ok {
			t.Fatal("after B's shutdown the stream ended without a terminal error event")
		}
		end = m
	case <-time.After(10 * time.Second):
		t.Fatal("B shut down, and its reader was not told within 10s")
	}
	if !strings.Contains(string(end.Data), "shutting down") {
		t.Errorf("B's reader was told %s", end.Data)
	}
	if n := rs.gws[0].streams.Open(); n != 1 {
		t.Errorf("A has %d open streams after B's shutdown, want its producer still running", n)
	}
}
