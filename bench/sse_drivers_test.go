package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/rockstream/rockstream"
)

func sseServer(t *testing.T, body string, status int) Target {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return Target{URL: srv.URL, Model: "m", Prompt: "p", MaxTokens: 10}
}

func collect(d Driver) ([]string, error) {
	var got []string
	err := d.Stream(context.Background(), func(s string) { got = append(got, s) })
	return got, err
}

func TestOpenAIDriver(t *testing.T) {
	body := ": ping\n\n" +
		"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n" +
		"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n" +
		"data: {\"choices\":[{\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}\n\n" +
		"data: [DONE]\n\n"
	got, err := collect(OpenAI(sseServer(t, body, 200)))
	if err != nil || !slices.Equal(got, []string{"Hi", " there"}) {
		t.Fatalf("got %q, %v", got, err)
	}

	_, err = collect(OpenAI(sseServer(t, "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", 200)))
	if !errors.Is(err, rockstream.ErrIncomplete) {
		t.Fatalf("stream without [DONE]: %v", err)
	}
	_, err = collect(OpenAI(sseServer(t, `{"error":{"message":"slow down"}}`, 429)))
	if e := rockstream.AsError(err); e.Class != rockstream.ClassThrottling || e.StatusCode != 429 {
		t.Fatalf("429: %+v", e)
	}
}

func TestAnthropicDriver(t *testing.T) {
	body := "event: message_start\ndata: {\"type\":\"message_start\"}\n\n" +
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n" +
		"event: ping\ndata: {\"type\":\"ping\"}\n\n" +
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
	got, err := collect(Anthropic(sseServer(t, body, 200)))
	if err != nil || !slices.Equal(got, []string{"Hi"}) {
		t.Fatalf("got %q, %v", got, err)
	}
	cut := "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n" +
		"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n"
	got, err = collect(Anthropic(sseServer(t, cut, 200)))
	if e := rockstream.AsError(err); !e.InStream || len(got) != 1 {
		t.Fatalf("in-band error: %q %+v", got, e)
	}
}
