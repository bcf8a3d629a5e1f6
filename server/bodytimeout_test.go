package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const converseBody = `{"messages":[{"role":"user","content":[{"text":"Tell me a story."}]}],"inferenceConfig":{"maxTokens":40}}`

func TestTricklingBodyGets408(t *testing.T) {
	addr := serveRaw(t, ConnLimits{BodyTimeout: 200 * time.Millisecond})
	c := dialRaw(t, addr)
	fmt.Fprintf(c, "POST /model/anthropic.claude-3-haiku-20240307-v1%%3A0/converse-stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer local-key\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(converseBody))
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one byte at a time, never the whole body
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(converseBody)-1; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := c.Write([]byte{converseBody[i]}); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling body: %v", err)
	}
	defer resp.Body.Close()
	var e struct{ Message string }
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestTimeout || !strings.HasPrefix(resp.Header.Get("x-amzn-ErrorType"), "ValidationException") ||
		!strings.Contains(e.Message, "did not arrive within 200ms") {
		t.Errorf("status %d, type %q, message %q; want 408 ValidationException saying the body was late",
			resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), e.Message)
	}
}

// TestBodyTimeoutSparesTheStream: the bound is on reading the body; the
// stream that answers it may run far longer.
func TestBodyTimeoutSparesTheStream(t *testing.T) {
	addr := serveRaw(t, ConnLimits{BodyTimeout: 500 * time.Millisecond})
	c := dialRaw(t, addr)
	fmt.Fprintf(c, "POST /model/anthropic.claude-3-haiku-20240307-v1%%3A0/converse-stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer local-key\r\n"+
		"X-Rockstream-Pace: ttft=0s,tps=20\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(converseBody), converseBody)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	body, err := io.ReadAll(resp.Body) // 40 tokens at 20/s: about 2 s, four times the bound
	if err != nil {
		t.Fatalf("stream cut after %v: %v", time.Since(start), err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "messageStop") {
		t.Errorf("status %d, body ends %q", resp.StatusCode, body[max(0, len(body)-80):])
	}
}
