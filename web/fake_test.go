package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeGateway stands in for the gateway's Anthropic-compatible endpoints:
// GET /v1/models, POST /v1/messages (SSE) and GET /v1/streams/{id} (resume).
// A stream's generation runs apart from the request that started it: when its
// last reader leaves, generation continues for grace and is cancelled unless
// a reader resumes, so a dropped connection loses nothing and a stopped one
// stops the model.
type fakeGateway struct {
	tokenDelay time.Duration // between text pieces, unless X-Rockstream-Pace says otherwise
	firstDelay time.Duration // before the first piece
	grace      time.Duration

	mu      sync.Mutex
	next    int
	streams map[string]*fakeStream
	order   []*fakeStream
}

type fakeEvent struct {
	seq  int
	name string
	data []byte
}

type fakeStream struct {
	id      string
	events  []fakeEvent
	cancel  context.CancelFunc
	resumes []string // Last-Event-ID of each resume request

	mu       sync.Mutex
	produced int
	state    string // running, complete, cancelled
	changed  chan struct{}
	readers  int
	graceEnd *time.Timer
}

func newFakeGateway() *fakeGateway {
	return &fakeGateway{
		tokenDelay: 25 * time.Millisecond,
		firstDelay: 150 * time.Millisecond,
		// Long enough for a browser on a loaded machine to reconnect;
		// the page's Stop ends a stream at once with DELETE.
		grace:   10 * time.Second,
		streams: make(map[string]*fakeStream),
	}
}

func (g *fakeGateway) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/models", g.models)
	mux.HandleFunc("POST /v1/messages", g.messages)
	mux.HandleFunc("GET /v1/streams/{id}", g.resume)
	mux.HandleFunc("DELETE /v1/streams/{id}", g.stop)
}

// stop is the client's Stop: it ends the stream at once, as the gateway's
// DELETE /v1/streams/{id} does.
func (g *fakeGateway) stop(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	s := g.streams[r.PathValue("id")]
	g.mu.Unlock()
	if s == nil {
		writeAPIError(w, http.StatusNotFound, "not_found_error", "No stream "+r.PathValue("id")+".")
		return
	}
	s.cancel()
	w.WriteHeader(http.StatusNoContent)
}

// fakeModels is what GET /v1/models lists, in OpenAI's list shape.
// The lab's model is not first, so the page's choice of it shows.
var fakeModels = []string{"anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-lite-v1:0", "anthropic.claude-3-sonnet-20240229-v1:0"}

func (g *fakeGateway) models(w http.ResponseWriter, r *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list"}
	for _, id := range fakeModels {
		list.Data = append(list.Data, model{ID: id, Object: "model", OwnedBy: strings.Split(id, ".")[0]})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(list)
}

type fakeRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	Stream    bool   `json:"stream"`
	Messages  []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

func (g *fakeGateway) messages(w http.ResponseWriter, r *http.Request) {
	var req fakeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeAPIError(w, http.StatusBadRequest, "invalid_request_error", "The body is not JSON: "+err.Error())
		return
	}
	if !req.Stream || len(req.Messages) == 0 || req.Messages[len(req.Messages)-1].Role != "user" {
		writeAPIError(w, http.StatusBadRequest, "invalid_request_error", "Expected stream: true and a last user message.")
		return
	}
	if !isFakeModel(req.Model) {
		writeAPIError(w, http.StatusNotFound, "not_found_error", "model: "+req.Model)
		return
	}
	if strings.HasPrefix(r.Header.Get("X-Rockstream-Fault"), "ThrottlingException") {
		w.Header().Set("Retry-After", "1")
		writeAPIError(w, http.StatusTooManyRequests, "rate_limit_error", "Too many requests, please wait before trying again.")
		return
	}
	first, each := g.firstDelay, g.tokenDelay
	if pace := r.Header.Get("X-Rockstream-Pace"); pace != "" {
		first, each = parsePace(pace, first, each)
	}
	inputWords := 0
	for _, m := range req.Messages {
		inputWords += len(strings.Fields(m.Content))
	}
	prompt := req.Messages[len(req.Messages)-1].Content
	s := g.start(req.Model, inputWords, fakePieces(fakeAnswer(prompt, len(req.Messages))), first, each)
	w.Header().Set("X-Rockstream-Stream-Id", s.id)
	g.follow(w, r, s, 0)
}

func (g *fakeGateway) resume(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	s := g.streams[r.PathValue("id")]
	g.mu.Unlock()
	if s == nil {
		writeAPIError(w, http.StatusNotFound, "not_found_error", "No stream "+r.PathValue("id")+".")
		return
	}
	last, _ := strconv.Atoi(r.Header.Get("Last-Event-ID"))
	s.mu.Lock()
	s.resumes = append(s.resumes, r.Header.Get("Last-Event-ID"))
	s.mu.Unlock()
	w.Header().Set("X-Rockstream-Stream-Id", s.id)
	g.follow(w, r, s, last)
}

// follow writes the stream's events after seq after, live, until the stream
// ends or the reader leaves.
func (g *fakeGateway) follow(w http.ResponseWriter, r *http.Request, s *fakeStream, after int) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	g.attach(s)
	defer g.detach(s)
	for {
		s.mu.Lock()
		ready := s.events[:s.produced]
		state, changed := s.state, s.changed
		s.mu.Unlock()
		for _, ev := range ready {
			if ev.seq <= after {
				continue
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.seq, ev.name, ev.data); err != nil {
				return
			}
			after = ev.seq
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if state != "running" {
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
	}
}

func (g *fakeGateway) attach(s *fakeStream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readers++
	if s.graceEnd != nil {
		s.graceEnd.Stop()
		s.graceEnd = nil
	}
}

func (g *fakeGateway) detach(s *fakeStream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readers--
	if s.readers == 0 && s.state == "running" {
		s.graceEnd = time.AfterFunc(g.grace, s.cancel)
	}
}

func (g *fakeGateway) start(model string, inputTokens int, pieces []string, first, each time.Duration) *fakeStream {
	g.mu.Lock()
	g.next++
	id := fmt.Sprintf("strm_fake%04d", g.next)
	g.mu.Unlock()

	s := &fakeStream{id: id, state: "running", changed: make(chan struct{})}
	s.events = anthropicEvents(id, model, inputTokens, pieces)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	g.mu.Lock()
	g.streams[id] = s
	g.order = append(g.order, s)
	g.mu.Unlock()
	go s.produce(ctx, first, each)
	return s
}

// produce reveals the events one by one at the stream's pace: the first
// text delta after first, each later one after each.
func (s *fakeStream) produce(ctx context.Context, first, each time.Duration) {
	texts := 0
	for i, ev := range s.events {
		if ev.name == "content_block_delta" {
			d := each
			if texts == 0 {
				d = first
			}
			texts++
			select {
			case <-time.After(d):
			case <-ctx.Done():
				s.finish("cancelled", i)
				return
			}
		}
		s.finish("running", i+1)
	}
	s.finish("complete", len(s.events))
}

func (s *fakeStream) finish(state string, produced int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state, s.produced = state, produced
	close(s.changed)
	s.changed = make(chan struct{})
}

// streamLog is what the e2e tests read back about each stream the server
// generated.
type streamLog struct {
	ID       string   `json:"id,omitempty"`
	State    string   `json:"state"` // running, complete, cancelled
	Produced int      `json:"produced"`
	Total    int      `json:"total,omitempty"`
	Resumes  []string `json:"resumes,omitempty"`
}

func (g *fakeGateway) log() []streamLog {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []streamLog{}
	for _, s := range g.order {
		s.mu.Lock()
		out = append(out, streamLog{ID: s.id, State: s.state, Produced: s.produced, Total: len(s.events), Resumes: append([]string{}, s.resumes...)})
		s.mu.Unlock()
	}
	return out
}

// anthropicEvents is a whole Anthropic Messages stream for text pieces,
// numbered from 1 as the SSE ids.
func anthropicEvents(id, model string, inputTokens int, pieces []string) []fakeEvent {
	var evs []fakeEvent
	add := func(name string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		evs = append(evs, fakeEvent{seq: len(evs) + 1, name: name, data: data})
	}
	type obj = map[string]any
	add("message_start", obj{"type": "message_start", "message": obj{
		"id": "msg_" + id, "type": "message", "role": "assistant", "model": model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil,
		"usage": obj{"input_tokens": inputTokens, "output_tokens": 1},
	}})
	add("content_block_start", obj{"type": "content_block_start", "index": 0, "content_block": obj{"type": "text", "text": ""}})
	add("ping", obj{"type": "ping"})
	for _, p := range pieces {
		add("content_block_delta", obj{"type": "content_block_delta", "index": 0, "delta": obj{"type": "text_delta", "text": p}})
	}
	add("content_block_stop", obj{"type": "content_block_stop", "index": 0})
	add("message_delta", obj{"type": "message_delta", "delta": obj{"stop_reason": "end_turn", "stop_sequence": nil},
		"usage": obj{"output_tokens": len(pieces)}})
	add("message_stop", obj{"type": "message_stop"})
	return evs
}

func writeAPIError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": msg}})
}

func isFakeModel(id string) bool {
	for _, m := range fakeModels {
		if m == id {
			return true
		}
	}
	return false
}

var paceField = regexp.MustCompile(`(ttft|tps)=([^,]+)`)

// parsePace reads the ttft and tps fields of an X-Rockstream-Pace header.
func parsePace(h string, first, each time.Duration) (time.Duration, time.Duration) {
	for _, m := range paceField.FindAllStringSubmatch(h, -1) {
		switch m[1] {
		case "ttft":
			if d, err := time.ParseDuration(m[2]); err == nil {
				first = d
			}
		case "tps":
			if n, err := strconv.ParseFloat(m[2], 64); err == nil {
				each = 0
				if n > 0 {
					each = time.Duration(float64(time.Second) / n)
				}
			}
		}
	}
	return first, each
}

// fakePieces splits text into word-sized pieces, each keeping the
// whitespace before it, as models stream.
func fakePieces(text string) []string {
	return regexp.MustCompile(`\s*\S+`).FindAllString(text, -1)
}

// fakeAnswer is a deterministic Markdown answer that exercises the renderer.
func fakeAnswer(prompt string, turn int) string {
	topic := strings.Join(strings.Fields(prompt), " ")
	if r := []rune(topic); len(r) > 60 {
		topic = string(r[:60]) + "…"
	}
	return fmt.Sprintf(`You asked (turn %d): *%s*. Here is a streamed answer.

## Two puppies and two kittens

Once upon a time, in a **quiet village** by the river, two puppies named Biscuit and Pepper met two kittens named Miso and Juniper. At first they circled each other warily, but a sudden storm sent all four into the same dry barn, and by morning they were friends.

- Biscuit loved to run.
- Pepper loved to dig.
- Miso and Juniper loved to watch from the hayloft.

They learned that friendship needs only `+"`patience`"+` and a shared place to shelter:

`+"```go"+`
func friends(a, b string) string {
	return a + " & " + b
}
`+"```"+`

Read more at [the Go site](https://go.dev/). The end.`, turn, topic)
}
