package gateway

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// TestNodePeers streams from the gateway with the official OpenAI and
// Anthropic Node SDKs (conformance/gateway-node). It runs when
// ROCKSTREAM_PEERS=1, after `npm ci` in that directory.
func TestNodePeers(t *testing.T) {
	if os.Getenv("ROCKSTREAM_PEERS") != "1" {
		t.Skip("set ROCKSTREAM_PEERS=1 to drive the Node SDKs")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "conformance", "gateway-node"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("ROCKSTREAM_PEERS=1 but node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai")); err != nil {
		t.Fatalf("ROCKSTREAM_PEERS=1 but the Node SDKs are not installed: run npm ci in %s", dir)
	}
	const model = "anthropic.claude-3-haiku-20240307-v1:0"
	const prompt = "Tell me a short story about a lighthouse."
	be := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	// Keepalives every 5 ms meet the SDKs in every silence; the errors that
	// come as a status ask a server with the default keepalive, since one
	// sent before them would commit a 200.
	srv, _ := newServer(t, Options{Backend: be, APIKeys: []string{"sk-node"}, Keepalive: 5e6})
	statusSrv, _ := newServer(t, Options{Backend: be, APIKeys: []string{"sk-node"}})

	cmd := exec.CommandContext(t.Context(), node, "peers.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ROCKSTREAM_URL="+srv.URL, "ROCKSTREAM_STATUS_URL="+statusSrv.URL, "ROCKSTREAM_API_KEY=sk-node",
		"ROCKSTREAM_MODEL="+model, "ROCKSTREAM_PROMPT="+prompt)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	type streamed struct {
		Text, Finish string
		OutputTokens int
		InputTokens  int
		Error        *string
		Status       int
	}
	var got map[string]streamed
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := strings.Join(builtin.Tokens(&rockstream.Request{Model: model, MaxTokens: 200,
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}), "")
	for _, name := range []string{"openaiStream", "anthropicStream"} {
		r := got[name]
		if r.Text != want || r.Finish == "" || r.OutputTokens == 0 {
			t.Errorf("%s: text %q finish %q output tokens %d\nwant text %q", name, r.Text, r.Finish, r.OutputTokens, want)
		}
	}
	for _, name := range []string{"openaiMidStreamError", "anthropicMidStreamError"} {
		r := got[name]
		if r.Error == nil || r.Text == "" || !strings.HasPrefix(want, r.Text) {
			t.Errorf("%s: error %v after text %q", name, r.Error, r.Text)
		}
	}
	counted := builtin.InputTokens(&rockstream.Request{System: []string{"Be brief."},
		Messages: []rockstream.Message{rockstream.UserText(prompt)}})
	if n := got["anthropicCountTokens"].InputTokens; n != counted || n == 0 {
		t.Errorf("anthropicCountTokens: %d input tokens, want %d", n, counted)
	}
	for name, status := range map[string]int{"openaiThrottled": 429, "openaiOverloaded": 503, "anthropicThrottled": 429, "anthropicOverloaded": 529} {
		if got[name].Status != status {
			t.Errorf("%s: status %d, want %d", name, got[name].Status, status)
		}
	}
}
