package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestBenchSaysWhyStreamsFailed(t *testing.T) {
	t.Parallel()
	_, stderr, code := invocation{args: []string{"bench", "--target", "http://127.0.0.1:1", "--requests", "4", "--concurrency", "2"}}.run(t)
	if code != 1 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "4 of 4 streams failed") || !strings.Contains(stderr, "4× cannot reach") || !strings.Contains(stderr, "connection refused") {
		t.Errorf("stderr does not give the cause:\n%s", stderr)
	}
}

func TestBenchInterruptOnATerminal(t *testing.T) {
	t.Parallel()
	term := startTerminal(t, invocation{args: []string{"bench", "--json", "--pace=ttft=0s,tps=20", "--requests", "1000", "--concurrency", "4"}}, false)
	term.waitUntil("streams in flight", func() bool { return strings.Contains(term.output(), "of 1000 done, 0 failed, 4 in flight") })
	if err := term.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := term.wait(); code != 130 {
		t.Fatalf("exit %d:\n%q", code, term.output())
	}
	<-term.done
	out := term.output()
	if m := regexp.MustCompile(`"failed": (\d+)`).FindStringSubmatch(out); m == nil || m[1] != "0" {
		t.Errorf("Ctrl-C counted in-flight streams as failed: %v\n%s", m, out)
	}
	if strings.Contains(out, "streams failed") {
		t.Errorf("stderr reports failures after Ctrl-C:\n%s", out)
	}
	last := strings.LastIndex(out, "in flight")
	if after := out[last+len("in flight"):]; !strings.HasPrefix(after, "\r\x1b[K") {
		t.Errorf("the progress line was not cleared before the report: %q", after[:min(len(after), 40)])
	}
}
