package main

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestOfflineRunHangsUpBeforeShutdown checks that every offline command
// closes its own HTTP/2 connection before the in-process runtime shuts
// down. When it did not, the runtime's graceful shutdown sent a GOAWAY and
// waited a second for the client to hang up, so each run ended a second
// after its answer. The HTTP/2 frame log says which side ended the
// connection, without timing anything.
func TestOfflineRunHangsUpBeforeShutdown(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{fast, "hi"},
		{"count", "hi"},
		{"models"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			_, stderr, code := invocation{args: args, env: []string{"GODEBUG=http2debug=2"}}.run(t)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if strings.Contains(stderr, "Transport received GOAWAY") {
				t.Errorf("the client still held its connection when the runtime shut down:\n%s", grepLines(stderr, "GOAWAY"))
			}
			if !strings.Contains(stderr, "Transport closing idle conn") {
				t.Errorf("the client did not close its idle connection:\n%s", stderr)
			}
		})
	}
}

func grepLines(s, substr string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, substr) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// BenchmarkOfflineRunExit runs the whole process for an instant offline
// answer and reports how long it lives after the last byte of the answer
// (ms-after-last-byte) besides the whole run (ns/op).
func BenchmarkOfflineRunExit(b *testing.B) {
	var after time.Duration
	for b.Loop() {
		cmd := exec.Command(binary, fast, "hi")
		cmd.Env = []string{"HOME=" + b.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var lastByte time.Time
		buf := make([]byte, 4096)
		var got bytes.Buffer
		for {
			n, rerr := out.Read(buf)
			if n > 0 {
				lastByte = time.Now()
				got.Write(buf[:n])
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				b.Fatal(rerr)
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("%v; stdout:\n%s", err, got.String())
		}
		after += time.Since(lastByte)
	}
	b.ReportMetric(float64(after.Microseconds())/1000/float64(b.N), "ms-after-last-byte")
}
