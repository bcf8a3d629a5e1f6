package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/rockstream/rockstream/internal/eventframe"
)

// On SIGTERM, serve ends every open Bedrock stream with an exception frame
// and a terminated body, and writes the recordings of the streams it ended.
func TestServeSIGTERMEndsStreamsCleanly(t *testing.T) {
	t.Parallel()
	rec := t.TempDir()
	w := start(t, invocation{args: []string{"serve", "--addr", "127.0.0.1:0", "--pace", "ttft=0s,tps=4", "--record", rec}}.command(t))
	serving := regexp.MustCompile(`serving the Bedrock Runtime at (http://[0-9.:]+)`)
	w.waitUntil(t, "serve to listen", func() bool { return serving.MatchString(w.stderr()) })
	url := serving.FindStringSubmatch(w.stderr())[1]

	const streams = 3
	readers := make([]*eventframe.Reader, streams)
	for i := range readers {
		body := `{"messages":[{"role":"user","content":[{"text":"Tell me a long story, please."}]}]}`
		req, _ := http.NewRequest(http.MethodPost, url+"/model/anthropic.claude-3-sonnet-20240229-v1:0/converse-stream", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer local-test-key") // --auth any takes any well-formed key
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		if res.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %s", i, res.Status)
		}
		readers[i] = eventframe.NewReader(res.Body)
		if _, err := readers[i].Next(); err != nil { // the stream is under way
			t.Fatalf("stream %d: first frame: %v", i, err)
		}
	}
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i, r := range readers {
		var last eventframe.Message
		for {
			m, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("stream %d: the body was cut, not ended: %v", i, err)
			}
			last = m
		}
		if got := string(last.Get(":message-type")); got != "exception" {
			t.Fatalf("stream %d: last frame is a %q, want the exception that says the server stopped", i, got)
		}
		if got := string(last.Get(":exception-type")); got != "serviceUnavailableException" {
			t.Errorf("stream %d: exception %q, want serviceUnavailableException", i, got)
		}
	}
	if code := w.wait(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM:\n%s", code, w.stderr())
	}
	files, _ := filepath.Glob(filepath.Join(rec, "*"))
	if len(files) != streams {
		t.Errorf("%d recordings after shutdown, want %d (one per stream): %v", len(files), streams, files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("recording %s empty: %v", f, err)
		}
	}
}
