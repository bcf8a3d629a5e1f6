package bedrock

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestStreamHappyPath(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		var got *http.Request
		var body []byte
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r
			body, _ = io.ReadAll(r.Body)
			serveFrames(claudeFrames(t, "Hello", ", world")...)(w, r)
		}))
		var raw []string
		c := newTestClient(t, srv, Options{Direct: direct, OnChunk: func(b []byte) { raw = append(raw, string(b)) }})
		events, err := collect(c, textRequest("hi"))
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		if got.URL.EscapedPath() != "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream" {
			t.Errorf("path %q", got.URL.EscapedPath())
		}
		if !strings.HasPrefix(got.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") || !strings.Contains(got.Header.Get("Authorization"), "/bedrock/aws4_request") {
			t.Errorf("authorization %q, want SigV4 for service bedrock", got.Header.Get("Authorization"))
		}
		if !strings.Contains(string(body), `"anthropic_version":"bedrock-2023-05-31"`) {
			t.Errorf("body %s lacks anthropic_version", body)
		}
		if text := textOf(events); text != "Hello, world" {
			t.Errorf("text %q", text)
		}
		start, ok := events[0].(rockstream.MessageStart)
		if !ok || start.RequestID != "req-123" || start.ID != "msg_bdrk_01" {
			t.Errorf("first event %#v, want MessageStart with request ID req-123", events[0])
		}
		last, ok := events[len(events)-1].(rockstream.Metadata)
		if !ok || last.Usage.OutputTokens != 7 || last.Metrics.FirstByteLatency != 300*time.Millisecond {
			t.Errorf("last event %#v, want Metadata with usage and metrics", events[len(events)-1])
		}
		if len(raw) != 7 || !strings.Contains(raw[2], `"text":"Hello"`) {
			t.Errorf("OnChunk saw %d chunks: %q", len(raw), raw)
		}
	})
}

// The server writes the next frame only after the test has seen the
// previous text: a client that buffered would never see any.
func TestStreamDeliversIncrementally(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		start, end, deltas := claudeChunks("one ", "two ", "three")
		seen := make(chan struct{})
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			startStream(w)
			for _, c := range start {
				writeFrames(w, chunkFrame(t, c))
			}
			for _, c := range deltas {
				writeFrames(w, chunkFrame(t, c))
				select {
				case <-seen:
				case <-r.Context().Done():
					return
				}
			}
			for _, c := range end {
				writeFrames(w, chunkFrame(t, c))
			}
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		var text []string
		for ev, err := range c.Stream(t.Context(), textRequest("count")) {
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			if d, ok := ev.(rockstream.TextDelta); ok {
				text = append(text, d.Text)
				select {
				case seen <- struct{}{}:
				case <-time.After(10 * time.Second):
					t.Fatal("server stopped waiting for the client")
				}
			}
		}
		if strings.Join(text, "|") != "one |two |three" {
			t.Errorf("deltas %q", text)
		}
	})
}

func TestStreamFailures(t *testing.T) {
	t.Parallel()
	start, _, deltas := claudeChunks("a", "b")
	var head [][]byte
	for _, c := range append(start, deltas...) {
		head = append(head, chunkFrame(t, c))
	}
	full := claudeFrames(t, "a", "b")
	last := full[len(full)-1]
	tests := []struct {
		name           string
		frames         [][]byte
		wantText       string
		wantClass      rockstream.ErrorClass
		wantCode       string
		wantIncomplete bool
	}{
		{
			name:      "exception after events",
			frames:    append(head[:len(head):len(head)], exceptionFrame(t, "modelStreamErrorException", `{"message":"model failed","originalStatusCode":500,"originalMessage":"boom"}`)),
			wantText:  "ab",
			wantClass: rockstream.ClassModel,
			wantCode:  "ModelStreamErrorException",
		},
		{
			name:           "cut inside a frame",
			frames:         append(head[:len(head):len(head)], head[len(head)-1][:20]),
			wantText:       "ab",
			wantClass:      rockstream.ClassInterrupted,
			wantIncomplete: true,
		},
		{
			name:           "cut inside the prelude",
			frames:         append(head[:len(head):len(head)], head[len(head)-1][:3]),
			wantText:       "ab",
			wantClass:      rockstream.ClassInterrupted,
			wantIncomplete: true,
		},
		{
			name:           "ends without message_stop",
			frames:         head,
			wantText:       "ab",
			wantClass:      rockstream.ClassInterrupted,
			wantIncomplete: true,
		},
		{
			name:           "cut inside the last frame",
			frames:         append(full[:len(full)-1:len(full)-1], last[:len(last)-5]),
			wantText:       "ab",
			wantClass:      rockstream.ClassInterrupted,
			wantIncomplete: true,
		},
		{
			name:           "server resets the stream",
			frames:         append(head[:len(head):len(head)], nil),
			wantText:       "ab",
			wantClass:      rockstream.ClassInterrupted,
			wantIncomplete: true,
		},
		{
			name:      "error message frame",
			frames:    append(head[:len(head):len(head)], frame(t, nil, ":message-type", "error", ":error-code", "InternalFailure", ":error-message", "oops")),
			wantText:  "ab",
			wantClass: rockstream.ClassUnknown,
			wantCode:  "InternalFailure",
		},
		{
			name:      "corrupt frame",
			frames:    append(head[:len(head):len(head)], corrupt(head[0])),
			wantText:  "ab",
			wantClass: rockstream.ClassProtocol,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			forTransports(t, func(t *testing.T, direct bool) {
				t.Parallel()
				var hits atomic.Int32
				srv := newTLSServer(t, counted(&hits, func(w http.ResponseWriter, r *http.Request, _ int) {
					serveFrames(tt.frames...)(w, r)
				}))
				c := newTestClient(t, srv, Options{Direct: direct})
				events, err := collect(c, textRequest("x"))
				if got := textOf(events); got != tt.wantText {
					t.Errorf("text before the error %q, want %q", got, tt.wantText)
				}
				if err == nil {
					t.Fatal("stream ended cleanly")
				}
				e := asError(t, err)
				if e.Class != tt.wantClass || e.Code != tt.wantCode || !e.InStream {
					t.Errorf("error %+v, want class %s code %q in stream", e, tt.wantClass, tt.wantCode)
				}
				if got := errors.Is(err, rockstream.ErrIncomplete); got != tt.wantIncomplete {
					t.Errorf("errors.Is(ErrIncomplete) = %v for %v", got, err)
				}
				if e.RequestID != "req-123" {
					t.Errorf("request ID %q", e.RequestID)
				}
				if hits.Load() != 1 {
					t.Errorf("%d requests after events were delivered, want 1", hits.Load())
				}
			})
		})
	}
}

func corrupt(f []byte) []byte {
	b := append([]byte(nil), f...)
	b[len(b)-1] ^= 0xff
	return b
}

func TestModelStreamErrorFields(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		srv := newTLSServer(t, serveFrames(exceptionFrame(t, "modelStreamErrorException",
			`{"message":"The model failed","originalStatusCode":503,"originalMessage":"overloaded"}`)))
		c := newTestClient(t, srv, Options{Direct: direct})
		_, err := collect(c, textRequest("x"))
		e := asError(t, err)
		if e.OriginalStatusCode != 503 || e.StatusCode != 424 || e.Retryable || e.Message != "The model failed" {
			t.Errorf("error %+v", e)
		}
	})
}

func TestStreamCancelMidStream(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		start, _, deltas := claudeChunks("first")
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			startStream(w)
			for _, c := range append(start, deltas...) {
				writeFrames(w, chunkFrame(t, c))
			}
			<-r.Context().Done() // a model gone silent
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var err error
		for ev, e := range c.Stream(ctx, textRequest("x")) {
			if _, ok := ev.(rockstream.TextDelta); ok {
				cancel()
			}
			err = e
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if rockstream.Classify("", err) != rockstream.Cancelled {
			t.Errorf("outcome %s", rockstream.Classify("", err))
		}
		srv.Close()
		verifyNoLeaks(t)
	})
}

func TestStreamBreakClosesConnection(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		start, _, deltas := claudeChunks("first", "second")
		closed := make(chan struct{})
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			startStream(w)
			for _, c := range append(start, deltas...) {
				writeFrames(w, chunkFrame(t, c))
			}
			<-r.Context().Done()
			close(closed)
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		for ev, err := range c.Stream(context.Background(), textRequest("x")) {
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := ev.(rockstream.TextDelta); ok {
				break
			}
		}
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("the server's request was not cancelled after the loop broke")
		}
		srv.Close()
		verifyNoLeaks(t)
	})
}

// Streams of one client run concurrently without sharing decode state.
func TestConcurrentStreams(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, serveFrames(claudeFrames(t, "same ", "answer")...))
	for _, opts := range []Options{{API: Invoke}, {API: Invoke, Direct: true}, {API: Converse}} {
		if opts.API == Converse {
			srv = newTLSServer(t, serveFrames(converseFrames(t)...))
		}
		c := newTestClient(t, srv, opts)
		errs := make(chan error, 8)
		for range cap(errs) {
			go func() {
				events, err := collect(c, textRequest("x"))
				if err == nil && textOf(events) == "" {
					err = errors.New("no text")
				}
				errs <- err
			}()
		}
		for range cap(errs) {
			if err := <-errs; err != nil {
				t.Errorf("%s (direct %v): %v", opts.API, opts.Direct, err)
			}
		}
	}
}
