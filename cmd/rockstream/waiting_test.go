package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// silentServer accepts connections and never answers. accepted receives
// once per connection.
func silentServer(t *testing.T) (url string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{}, 16)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn)
			go io.Copy(io.Discard, conn)
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), ch
}

func TestSilentServerTimesOut(t *testing.T) {
	t.Parallel()
	url, _ := silentServer(t)
	for _, args := range [][]string{
		{"--endpoint-url", url, "--timeout", "1s", "hi"},
		{"count", "--endpoint-url", url, "--timeout", "1s", "hi"},
		{"models", "--endpoint-url", url, "--timeout", "1s"},
	} {
		stdout, stderr, code := invocation{args: args}.run(t)
		if code != 1 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q; stderr:\n%s", args, code, stdout, stderr)
		}
		if !strings.Contains(stderr, "no answer from "+url+" within 1s (--timeout)") || strings.Contains(stderr, "temporary") {
			t.Errorf("%q: stderr:\n%s", args, stderr)
		}
	}
	_, stderr, code := invocation{args: []string{"--timeout", "0s", "hi"}}.run(t)
	if code != 2 || !strings.Contains(stderr, "--timeout") {
		t.Errorf("--timeout 0s: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestSilentServerIsNotSilentOnATerminal(t *testing.T) {
	t.Parallel()
	url, _ := silentServer(t)
	term := startTerminal(t, invocation{args: []string{"--endpoint-url", url, "--timeout", "3s", "hi"}}, false)
	term.waitFor("rockstream: waiting for the first token from " + url)
	term.waitFor("within 3s (--timeout)")
	if code := term.wait(); code != 1 {
		t.Errorf("exit %d:\n%s", code, term.output())
	}
}

func TestSignalsBeforeAnyText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}} {
		url, accepted := silentServer(t)
		w := start(t, invocation{args: []string{"--endpoint-url", url, "hi"}}.command(t))
		<-accepted
		if err := w.cmd.Process.Signal(tt.sig); err != nil {
			t.Fatal(err)
		}
		if code := w.wait(t); code != tt.code {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tt.sig, code, tt.code, w.stderr())
		}
		if !strings.Contains(w.stderr(), "interrupted before the answer began") || strings.Contains(w.stderr(), "above") {
			t.Errorf("%v: stderr:\n%s", tt.sig, w.stderr())
		}
	}
}

func TestInterruptReportsStreamedTokens(t *testing.T) {
	t.Parallel()
	w := start(t, invocation{args: []string{"--pace=ttft=0s,tps=30", "--stats", puppies}}.command(t))
	w.waitUntil(t, "some words", func() bool { return len(strings.Fields(w.stdout())) > 5 })
	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := w.wait(t); code != 130 {
		t.Fatalf("exit %d; stderr:\n%s", code, w.stderr())
	}
	if !strings.Contains(w.stderr(), "(counted here") {
		t.Errorf("--stats after Ctrl-C does not count the tokens streamed:\n%s", w.stderr())
	}
	for _, line := range strings.Split(w.stderr(), "\n") {
		if strings.HasPrefix(line, "rockstream: output tokens:") && strings.Contains(line, " 0 ") {
			t.Errorf("output tokens: %s", line)
		}
	}

	w = start(t, invocation{args: []string{"--pace=ttft=0s,tps=30", "--json", puppies}}.command(t))
	w.waitUntil(t, "some deltas", func() bool { return strings.Count(w.stdout(), `"text_delta"`) > 5 })
	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := w.wait(t); code != 130 {
		t.Fatalf("exit %d; stderr:\n%s", code, w.stderr())
	}
	lines := strings.Split(strings.TrimSpace(w.stdout()), "\n")
	var outcome struct {
		Kind  string
		Usage struct {
			OutputTokens        int  `json:"output_tokens"`
			OutputTokensCounted bool `json:"output_tokens_counted"`
		}
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &outcome); err != nil {
		t.Fatal(err)
	}
	deltas := strings.Count(w.stdout(), `"type":"text_delta"`)
	if outcome.Kind != "cancelled" || outcome.Usage.OutputTokens != deltas || !outcome.Usage.OutputTokensCounted {
		t.Errorf("outcome %+v after %d text deltas", outcome, deltas)
	}
}

func TestOnlyAccessKeyID(t *testing.T) {
	t.Parallel()
	var metadataCalls atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		metadataCalls.Add(1)
		http.Error(w, "no", http.StatusNotFound)
	}))
	defer imds.Close()
	stdout, stderr, code := invocation{args: []string{"hi"}, env: []string{
		"AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_EC2_METADATA_DISABLED=", "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL,
	}}.run(t)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "AWS_SECRET_ACCESS_KEY is missing") {
		t.Errorf("stderr does not name the missing variable:\n%s", stderr)
	}
	if strings.Contains(stderr, "WARN") || strings.Contains(stderr, "SDK") {
		t.Errorf("stderr has the SDK's own log lines:\n%s", stderr)
	}
	if n := metadataCalls.Load(); n != 0 {
		t.Errorf("the instance metadata service was asked %d times", n)
	}
}
