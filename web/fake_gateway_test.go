package web_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sseEvent is one event as a test reads it off the wire.
type sseEvent struct {
	id, name string
	data     map[string]any
}

// readSSE reads events until the body ends or fails.
func readSSE(t *testing.T, r io.Reader) (evs []sseEvent, err error) {
	t.Helper()
	sc := bufio.NewScanner(r)
	var cur sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.data != nil {
				evs = append(evs, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[6:]), &cur.data); err != nil {
				t.Fatalf("data is not JSON: %q", line)
			}
		}
	}
	return evs, sc.Err()
}

func text(evs []sseEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		if ev.name == "content_block_delta" {
			b.WriteString(ev.data["delta"].(map[string]any)["text"].(string))
		}
	}
	return b.String()
}

func startFake(t *testing.T) (*fakeGateway, *httptest.Server) {
	t.Helper()
	fake := newFakeGateway()
	fake.firstDelay, fake.tokenDelay, fake.grace = time.Millisecond, time.Millisecond, 2*time.Second
	mux := http.NewServeMux()
	fake.register(mux)
	target := httptest.NewServer(mux)
	t.Cleanup(target.Close)
	u, _ := url.Parse(target.URL)
	front := httptest.NewServer(newWire(u, fake.log))
	t.Cleanup(front.Close)
	return fake, front
}

const fakeBody = `{"model":"anthropic.claude-3-5-haiku-20241022-v1:0","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}`

func postMessages(t *testing.T, base string) *http.Response {
	t.Helper()
	res, err := http.Post(base+"/v1/messages", "application/json", strings.NewReader(fakeBody))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The fake speaks Anthropic's stream: the event sequence, ids from 1, and
// the answer's pieces in order.
func TestFakeStreamsAnthropicEvents(t *testing.T) {
	t.Parallel()
	_, front := startFake(t)
	res := postMessages(t, front.URL)
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type = %q", ct)
	}
	evs, err := readSSE(t, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, ev := range evs {
		if ev.id != strconv.Itoa(i+1) {
			t.Errorf("event %d has id %q", i, ev.id)
		}
		if ev.data["type"] != ev.name {
			t.Errorf("event %q has type %v", ev.name, ev.data["type"])
		}
		if len(names) == 0 || names[len(names)-1] != ev.name {
			names = append(names, ev.name)
		}
	}
	want := "message_start content_block_start ping content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	if got, want := text(evs), strings.Join(fakePieces(fakeAnswer("hi", 1)), ""); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// A cut on the wire, then a resume with Last-Event-ID, gives the whole
// answer once.
func TestWireCutThenResume(t *testing.T) {
	t.Parallel()
	fake, front := startFake(t)
	if res, err := http.Post(front.URL+"/__test/cut?after=6", "", nil); err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("arming the cut: %v %v", res, err)
	}
	res := postMessages(t, front.URL)
	id := res.Header.Get("X-Rockstream-Stream-Id")
	first, err := readSSE(t, res.Body)
	res.Body.Close()
	if err == nil {
		t.Fatal("the cut body ended cleanly; want a read error")
	}
	if len(first) != 6 {
		t.Fatalf("read %d events before the cut, want 6", len(first))
	}
	req, _ := http.NewRequest("GET", front.URL+"/v1/streams/"+id, nil)
	req.Header.Set("Last-Event-ID", first[len(first)-1].id)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := readSSE(t, res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if rest[0].id != "7" {
		t.Errorf("resume starts at id %s, want 7", rest[0].id)
	}
	if got, want := text(append(first, rest...)), strings.Join(fakePieces(fakeAnswer("hi", 1)), ""); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if log := fake.log(); log[0].State != "complete" || strings.Join(log[0].Resumes, ",") != "6" {
		t.Errorf("server log %+v", log)
	}
}

// A reader that leaves and does not come back cancels generation after the
// grace period.
func TestFakeCancelsAbandonedStream(t *testing.T) {
	t.Parallel()
	fake := newFakeGateway()
	fake.firstDelay, fake.tokenDelay, fake.grace = time.Millisecond, 50*time.Millisecond, time.Millisecond
	mux := http.NewServeMux()
	fake.register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res := postMessages(t, srv.URL)
	br := bufio.NewReader(res.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for range 200 {
		if log := fake.log(); log[0].State == "cancelled" {
			if log[0].Produced >= log[0].Total {
				t.Errorf("cancelled after producing everything: %+v", log[0])
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stream not cancelled: %+v", fake.log())
}

func TestFakeRejectsUnknownResume(t *testing.T) {
	t.Parallel()
	_, front := startFake(t)
	res, err := http.Get(front.URL + "/v1/streams/nope")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Type  string
		Error struct{ Type string }
	}
	json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != http.StatusNotFound || body.Type != "error" || body.Error.Type != "not_found_error" {
		t.Errorf("status %d body %+v", res.StatusCode, body)
	}
}
