package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/internal/redistest"
	"github.com/rockstream/rockstream/internal/sse"
)

// chatRequest is a streaming chat completion for the gateway at url.
func chatRequest(t *testing.T, url, pace string) *http.Request {
	t.Helper()
	body := `{"model":"` + defaultModel + `","stream":true,"messages":[{"role":"user","content":"` + puppies + `"}]}`
	req, err := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Rockstream-Pace", pace)
	return req
}

// sseStream is a streaming response being read.
type sseStream struct {
	res *http.Response
	rd  *sse.Reader
}

func startStream(t *testing.T, req *http.Request) *sseStream {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%s %s: %s %s", req.Method, req.URL, res.Status, b)
	}
	return &sseStream{res: res, rd: sse.NewReader(res.Body)}
}

// read reads n events (all, when n < 0) and returns their text and
// whether the stream ended with [DONE].
func (s *sseStream) read(t *testing.T, n int) (text string, done bool) {
	t.Helper()
	var sb strings.Builder
	for i := 0; n < 0 || i < n; i++ {
		m, err := s.rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.IsComment {
			continue
		}
		if m.IsDone() {
			done = true
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
			Error *struct{ Message string } `json:"error"`
		}
		if err := json.Unmarshal(m.Data, &c); err != nil {
			t.Fatalf("event %s: %v", m.Data, err)
		}
		if c.Error != nil {
			t.Fatalf("in-band error after %q: %s", sb.String(), c.Error.Message)
		}
		for _, ch := range c.Choices {
			sb.WriteString(ch.Delta.Content)
		}
	}
	return sb.String(), done
}

// resumeStream follows stream id on url after Last-Event-ID last.
func resumeStream(t *testing.T, url, id, last string) *sseStream {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/streams/"+id, nil)
	req.Header.Set("Last-Event-ID", last)
	return startStream(t, req)
}

// wholeAnswer is the builtin model's whole answer to the chat request.
func wholeAnswer(t *testing.T, url string) string {
	t.Helper()
	text, done := startStream(t, chatRequest(t, url, "ttft=0s,tps=0")).read(t, -1)
	if !done || text == "" {
		t.Fatalf("whole answer %q, done %v", text, done)
	}
	return text
}

// TestServeReplicasShareResume runs two serve processes over one real
// Redis: a reader drops on replica A and resumes on replica B, while A is
// still generating, with exactly the text it missed; a finished stream
// replays on B.
func TestServeReplicasShareResume(t *testing.T) {
	t.Parallel()
	rd := redistest.Start(t)
	a, _ := serve(t, nil, "--redis", rd.URL())
	b, _ := serve(t, nil, "--redis", rd.URL())
	want := wholeAnswer(t, a)

	s := startStream(t, chatRequest(t, a, "ttft=0s,tps=100"))
	first, _ := s.read(t, 5)
	s.res.Body.Close() // the reader drops on A
	rest, done := resumeStream(t, b, s.res.Header.Get("X-Rockstream-Stream-Id"), s.rd.LastEventID()).read(t, -1)
	if first+rest != want || !done {
		t.Errorf("dropped on A after %q, resumed on B with %q (done %v); want %q", first, rest, done, want)
	}

	finished := startStream(t, chatRequest(t, a, "ttft=0s,tps=0"))
	finished.read(t, -1)
	replay, done := resumeStream(t, b, finished.res.Header.Get("X-Rockstream-Stream-Id"), "").read(t, -1)
	if replay != want || !done {
		t.Errorf("finished stream replayed on B: %q (done %v), want %q", replay, done, want)
	}
}

// TestServeRedisKilledMidStream: every live stream, on either replica,
// completes when Redis dies under it, and /readyz says Redis is down.
func TestServeRedisKilledMidStream(t *testing.T) {
	t.Parallel()
	rd := redistest.Start(t)
	a, _ := serve(t, nil, "--redis", rd.URL())
	b, _ := serve(t, nil, "--redis", rd.URL())
	want := wholeAnswer(t, a)

	var live []*sseStream
	var heads []string
	for _, url := range []string{a, a, b} {
		s := startStream(t, chatRequest(t, url, "ttft=0s,tps=40"))
		head, _ := s.read(t, 2)
		live, heads = append(live, s), append(heads, head)
	}
	rd.Kill()
	for i, s := range live {
		tail, done := s.read(t, -1)
		if heads[i]+tail != want || !done {
			t.Errorf("stream %d with Redis killed: %q (done %v), want %q", i, heads[i]+tail, done, want)
		}
	}
	res, err := http.Get(a + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"redis":"down"`) {
		t.Errorf("/readyz with Redis down: %s %s", res.Status, body)
	}
}

// TestServeDefaultsResumeWithinGrace: with serve's default flags, a reader
// who drops and comes back at once gets the whole answer: the upstream
// went on while nobody read.
func TestServeDefaultsResumeWithinGrace(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, nil)
	want := wholeAnswer(t, url)

	s := startStream(t, chatRequest(t, url, "ttft=0s,tps=100"))
	first, _ := s.read(t, 3)
	s.res.Body.Close()
	rest, done := resumeStream(t, url, s.res.Header.Get("X-Rockstream-Stream-Id"), s.rd.LastEventID()).read(t, -1)
	if first+rest != want || !done {
		t.Errorf("dropped after %q, came back for %q (done %v); want %q", first, rest, done, want)
	}
}

// awayFromMinuteEdge waits, when the clock is in the last seconds of a
// minute, for the next one to begin: requests-per-minute windows are
// wall-clock minutes, and a test whose requests straddled two would see
// its count start again.
func awayFromMinuteEdge(t *testing.T) {
	t.Helper()
	now := time.Now()
	if now.Second() < 45 {
		return
	}
	time.Sleep(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
}

// TestServeReplicasShareQuotas runs two serve processes with one
// configuration file over one real Redis: a key over its requests per
// minute on A is refused on B, in the caller's dialect with Retry-After,
// while another key goes on; and a key's one concurrent stream, held
// open on A, keeps B from starting a second until it ends.
func TestServeReplicasShareQuotas(t *testing.T) {
	t.Parallel()
	rd := redistest.Start(t)
	cfg := writeFile(t, "rockstream.yaml", `
gateway:
  api_keys: [team-key, other-key, stream-key]
quotas:
  keys:
    team-key:
      requests_per_minute: 2
    stream-key:
      concurrent_streams: 1
`)
	a, _ := serve(t, nil, "--config", cfg, "--redis", rd.URL())
	b, _ := serve(t, nil, "--config", cfg, "--redis", rd.URL())
	chat := func(url, key, pace string) *http.Request {
		req := chatRequest(t, url, pace)
		req.Header.Set("Authorization", "Bearer "+key)
		return req
	}
	refused := func(req *http.Request) string {
		t.Helper()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(string(body), `"rate_limit_error"`) {
			return res.Status + " Retry-After " + res.Header.Get("Retry-After") + " " + string(body)
		}
		return ""
	}

	awayFromMinuteEdge(t)
	startStream(t, chat(a, "team-key", "ttft=0s,tps=0")).read(t, -1)
	startStream(t, chat(b, "team-key", "ttft=0s,tps=0")).read(t, -1)
	for _, url := range []string{a, b} {
		if got := refused(chat(url, "team-key", "ttft=0s,tps=0")); got != "" {
			t.Errorf("team-key's third request this minute: %s; want 429 rate_limit_error with Retry-After", got)
		}
	}
	if text, done := startStream(t, chat(b, "other-key", "ttft=0s,tps=0")).read(t, -1); text == "" || !done {
		t.Errorf("other-key was held by team-key's quota: %q, done %v", text, done)
	}

	held := startStream(t, chat(a, "stream-key", "ttft=0s,tps=20"))
	held.read(t, 1)
	if got := refused(chat(b, "stream-key", "ttft=0s,tps=0")); got != "" {
		t.Errorf("stream-key's second concurrent stream, on B: %s; want 429", got)
	}
	held.read(t, -1) // A's stream ends and gives its slot back
	if text, done := startStream(t, chat(b, "stream-key", "ttft=0s,tps=0")).read(t, -1); text == "" || !done {
		t.Errorf("stream-key on B after A's stream ended: %q, done %v", text, done)
	}
}
