package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// volatile are the parts of a transcript that change per run.
var (
	volatileCreated = regexp.MustCompile(`"created":\d+`)
	volatileID      = regexp.MustCompile(`chatcmpl-[A-Z0-9]+`)
)

func TestStreamGolden(t *testing.T) {
	tools := []rockstream.Event{
		rockstream.MessageStart{ID: "msg_2", Model: "m", Usage: rockstream.Usage{InputTokens: 20}},
		rockstream.TextDelta{Index: 0, Text: "Let me look."},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockToolUse, ToolUseID: "toolu_1", Name: "get_weather"},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `{"city":"Par`},
		rockstream.ToolInputDelta{Index: 1, PartialJSON: `is"}`},
		rockstream.BlockStop{Index: 1},
		rockstream.MessageStop{StopReason: rockstream.StopToolUse},
		rockstream.Metadata{Usage: rockstream.Usage{OutputTokens: 9}},
	}
	tests := []struct {
		name, path, body string
		events           []rockstream.Event
	}{
		{"chat_text", "/v1/chat/completions", chatBody, story("Once", " upon", "\na time")},
		{"chat_tools", "/v1/chat/completions", chatBody, tools},
		{"chat_no_usage", "/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`, story("Hi")},
		{"messages_text", "/v1/messages", messagesBody, story("Once", " upon")},
		{"messages_tools", "/v1/messages", messagesBody, tools},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, Options{Backend: newFake(tt.events...)})
			res := post(t, srv.URL+tt.path, tt.body)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, bodyOf(t, res))
			}
			for k, want := range map[string]string{"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Content-Type": "text/event-stream; charset=utf-8"} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if res.Header.Get(HeaderStreamID) == "" {
				t.Error("no stream ID header")
			}
			raw, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := volatileCreated.ReplaceAll(raw, []byte(`"created":0`))
			got = volatileID.ReplaceAll(got, []byte("chatcmpl-ID"))
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				os.WriteFile(path, got, 0o644)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("transcript differs:\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}

func TestPreStreamErrors(t *testing.T) {
	tests := []struct {
		code          string
		openai, anthr int
		retryAfter    bool
	}{
		{"ThrottlingException", 429, 429, true},
		{"ValidationException", 400, 400, false},
		{"ResourceNotFoundException", 404, 404, false},
		{"ServiceUnavailableException", 503, 529, true},
		{"AccessDeniedException", 403, 403, false},
		{"ModelNotReadyException", 429, 429, true},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			fb := newFake(story("x")...)
			fb.failAt, fb.err = 0, rockstream.BedrockError(tt.code, "it failed")
			srv, _ := newServer(t, Options{Backend: fb})

			res := post(t, srv.URL+"/v1/chat/completions", chatBody)
			var oe struct {
				Error struct{ Message, Type string }
			}
			if err := json.Unmarshal(bodyOf(t, res), &oe); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.openai || oe.Error.Message != "it failed" {
				t.Errorf("openai: %d %+v, want %d", res.StatusCode, oe, tt.openai)
			}
			if got := res.Header.Get("Retry-After") != ""; got != tt.retryAfter {
				t.Errorf("openai Retry-After %q", res.Header.Get("Retry-After"))
			}

			res = post(t, srv.URL+"/v1/messages", messagesBody)
			var ae struct {
				Type  string
				Error struct{ Type, Message string }
			}
			if err := json.Unmarshal(bodyOf(t, res), &ae); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.anthr || ae.Type != "error" || ae.Error.Message != "it failed" {
				t.Errorf("anthropic: %d %+v, want %d", res.StatusCode, ae, tt.anthr)
			}
			if got := res.Header.Get("Retry-After") != ""; got != tt.retryAfter {
				t.Errorf("anthropic Retry-After %q", res.Header.Get("Retry-After"))
			}
		})
	}
}

func TestMidStreamError(t *testing.T) {
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			fb := newFake(story("Once", " upon", " a time")...)
			fb.failAt, fb.err = 4, rockstream.BedrockError("ModelStreamErrorException", "the model broke")
			opts := Options{Backend: fb}
			if resume {
				opts.Resume.Retention = 1e9
			}
			srv, _ := newServer(t, opts)

			res := post(t, srv.URL+"/v1/chat/completions", chatBody)
			msgs := readEvents(t, res.Body)
			if got := chatText(t, msgs[:len(msgs)-1]); got != "Once upon" {
				t.Errorf("delivered %q before the error, want %q", got, "Once upon")
			}
			last := msgs[len(msgs)-1]
			if !strings.HasPrefix(string(last.Data), `{"error":{"message":"the model broke"`) {
				t.Errorf("last event %s, want the error chunk", last.Data)
			}
			if prev := msgs[len(msgs)-2]; !strings.Contains(string(prev.Data), `"usage":{"prompt_tokens":11`) {
				t.Errorf("no usage chunk before the error: %s", prev.Data)
			}

			res = post(t, srv.URL+"/v1/messages", messagesBody)
			msgs = readEvents(t, res.Body)
			last = msgs[len(msgs)-1]
			if last.Name != "error" || !strings.Contains(string(last.Data), "the model broke") {
				t.Errorf("last event %s %s, want event: error", last.Name, last.Data)
			}
			var deltas int
			for _, m := range msgs {
				if m.Name == "content_block_delta" {
					deltas++
				}
			}
			if deltas != 2 {
				t.Errorf("%d deltas delivered before the error, want 2", deltas)
			}
		})
	}
}

func TestEventIDsAreSequential(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("a", "b")...)})
	msgs := readEvents(t, post(t, srv.URL+"/v1/messages", messagesBody).Body)
	for i, m := range msgs {
		if m.ID != fmt.Sprint(i+1) {
			t.Fatalf("event %d has id %q", i, m.ID)
		}
	}
}

func TestKeepaliveDuringSilence(t *testing.T) {
	for _, tt := range []struct{ path, body string }{
		{"/v1/chat/completions", chatBody}, {"/v1/messages", messagesBody},
	} {
		t.Run(tt.path, func(t *testing.T) {
			fb := newFake(story("after", " silence")...)
			fb.holdAt, fb.hold = 0, make(chan struct{}) // silent before the first token
			srv, _ := newServer(t, Options{Backend: fb, Keepalive: 10e6})
			res := post(t, srv.URL+tt.path, tt.body)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			rd := sse.NewReader(res.Body)
			rd.Comments = true
			m, err := rd.Next()
			if err != nil {
				t.Fatal(err)
			}
			isPing := m.IsComment && m.Comment == "ping"
			if tt.path == "/v1/messages" {
				isPing = m.Name == "ping" && string(m.Data) == `{"type": "ping"}`
			}
			if !isPing {
				t.Fatalf("first event %+v, want a keepalive", m)
			}
			close(fb.hold)
			var rest []sse.Message
			for {
				m, err := rd.Next()
				if err != nil {
					break
				}
				rest = append(rest, m)
			}
			if len(rest) < 5 {
				t.Fatalf("only %d events after the silence", len(rest))
			}
		})
	}
}

func TestDisconnectCancelsUpstream(t *testing.T) {
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			fb := newFake(story("one", "two", "three")...)
			fb.holdAt, fb.hold = 3, make(chan struct{}) // never released
			opts := Options{Backend: fb}
			if resume {
				opts.Resume = ResumeOptions{Retention: 1e9, OnDisconnect: Cancel}
			}
			srv, _ := newServer(t, opts)
			res := post(t, srv.URL+"/v1/chat/completions", chatBody)
			rd := sse.NewReader(res.Body)
			for range 2 {
				if _, err := rd.Next(); err != nil {
					t.Fatal(err)
				}
			}
			res.Body.Close()
			<-fb.cancelled // the upstream saw its context end
			srv.Close()    // waits for the handlers
			if n := fb.live.Load(); n != 0 {
				t.Errorf("%d upstream streams still live", n)
			}
		})
	}
}

// TestSlowReaderCutByWriteDeadline: a client that stops reading is cut off
// by the write deadline; the upstream is cancelled, and it produced only
// what the socket buffers could hold, not the endless stream.
func TestSlowReaderCutByWriteDeadline(t *testing.T) {
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			fb := newFake(rockstream.MessageStart{ID: "m", Model: "m"})
			fb.repeat = rockstream.TextDelta{Text: strings.Repeat("x", 8<<10)}
			opts := Options{Backend: fb, WriteTimeout: 50e6}
			if resume {
				opts.Resume = ResumeOptions{Retention: 1e6, MaxEvents: 64, OnDisconnect: Finish}
			}
			srv, _ := newServer(t, opts)
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(chatBody), chatBody)
			status, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil || !strings.Contains(status, "200") {
				t.Fatalf("status line %q: %v", status, err)
			}
			// Read nothing more.
			<-fb.cancelled
			srv.Close()
			// 100,000 events would be 800 MB; the socket buffers hold a few MB.
			if n := fb.yielded.Load(); n > 5000 {
				t.Errorf("upstream produced %d events for a reader that stopped", n)
			}
		})
	}
}

func TestResume(t *testing.T) {
	pieces := []string{"Once", " upon", " a", " time", " there", " was", " a", " stream."}
	want := strings.Join(pieces, "")
	fb := newFake(story(pieces...)...)
	fb.holdAt, fb.hold = 5, make(chan struct{}) // wait until the reader has left
	srv, g := newServer(t, Options{Backend: fb, Resume: ResumeOptions{Retention: 1e9, OnDisconnect: Finish}})

	res := post(t, srv.URL+"/v1/chat/completions", chatBody)
	id := res.Header.Get(HeaderStreamID)
	rd := sse.NewReader(res.Body)
	var first []sse.Message
	for range 4 { // role chunk and three deltas
		m, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, m)
	}
	res.Body.Close()
	waitReaders(t, g, id, 0)
	close(fb.hold)

	for _, viaQuery := range []bool{false, true} {
		url := srv.URL + "/v1/streams/" + id
		req, _ := http.NewRequest("GET", url, nil)
		if viaQuery {
			req.URL.RawQuery = "last_event_id=" + rd.LastEventID()
		} else {
			req.Header.Set("Last-Event-ID", rd.LastEventID())
		}
		res2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rest := readEvents(t, res2.Body)
		res2.Body.Close()
		if got := chatText(t, first) + chatText(t, rest); got != want {
			t.Errorf("resumed text %q, want %q", got, want)
		}
		if rest[0].ID != "5" || !rest[len(rest)-1].IsDone() {
			t.Errorf("resumed from id %s to %s", rest[0].ID, rest[len(rest)-1].Data)
		}
	}
	if n := fb.calls.Load(); n != 1 {
		t.Errorf("%d upstream calls, want 1", n)
	}

	res3, _ := http.Get(srv.URL + "/v1/streams/nope")
	if res3.StatusCode != 404 {
		t.Errorf("unknown stream: %d", res3.StatusCode)
	}
	res3.Body.Close()
}

// waitReaders waits until the journal of stream id has n readers.
func waitReaders(t *testing.T, g *Gateway, id string, n int) {
	t.Helper()
	for {
		g.local.mu.Lock()
		j := g.local.m[id]
		g.local.mu.Unlock()
		if j == nil {
			t.Fatal("no journal")
		}
		j.mu.Lock()
		r, ch := j.readers, j.changed
		j.mu.Unlock()
		if r == n {
			return
		}
		select {
		case <-ch:
		case <-time.After(time.Millisecond):
		}
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			fb := newFake(story("one", "two")...)
			fb.holdAt, fb.hold = 3, make(chan struct{})
			opts := Options{Backend: fb}
			if resume {
				opts.Resume.Retention = 1e9
			}
			srv, g := newServer(t, opts)
			res := post(t, srv.URL+"/v1/messages", messagesBody)
			rd := sse.NewReader(res.Body)
			for range 3 {
				if _, err := rd.Next(); err != nil {
					t.Fatal(err)
				}
			}
			errc := make(chan error, 1)
			go func() { errc <- g.Shutdown(context.Background()) }()
			var last sse.Message
			for {
				m, err := rd.Next()
				if err != nil {
					break
				}
				last = m
			}
			if last.Name != "error" || !strings.Contains(string(last.Data), "shutting down") {
				t.Errorf("last event %s %s, want the shutdown error", last.Name, last.Data)
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			res2 := post(t, srv.URL+"/v1/chat/completions", chatBody)
			if res2.StatusCode != 503 {
				t.Errorf("after shutdown: %d, want 503", res2.StatusCode)
			}
		})
	}
}
