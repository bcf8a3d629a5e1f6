package perf

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
)

// idleHeader makes the builtin model all but silent: its first token at
// once, then one every 20 seconds. Memory per stream is the same as with
// a fully silent model, which envIdleSilent selects.
var idleHeader = http.Header{
	builtin.HeaderPace: {"ttft=0s,tps=0.05,jitter=0"},
}

// envIdleSilent (a duration such as "45s") makes the model fall silent
// after its first frame and holds the streams that long before measuring:
// longer than the servers' 30-second write timeout, it checks that a
// silent stream keeps its connection (a write deadline left armed would
// reset it), and every stream cut counts as failed.
const envIdleSilent = "ROCKSTREAM_PERF_IDLE_SILENT"

// silentHeader makes the model send its first frame and fall silent.
var silentHeader = http.Header{
	builtin.HeaderPace:  {"ttft=0s,tps=0"},
	builtin.HeaderFault: {"silence=30m,after=1"},
}

// BenchmarkIdleStreams holds N streams open through the gateway while
// the model is silent and reports the gateway process's memory per
// stream: (resident set with N open − before) / N, after a collection
// that returns free memory to the OS. Each size gets fresh processes.
// Run with -benchtime=1x.
func BenchmarkIdleStreams(b *testing.B) {
	for _, n := range []int{1000, 5000, 10000, 20000} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) { holdIdle(b, n) })
	}
}

func holdIdle(b *testing.B, n int) {
	ctx := context.Background()
	header, silence := idleHeader, time.Second
	if v := os.Getenv(envIdleSilent); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("%s: %v", envIdleSilent, err)
		}
		header, silence = silentHeader, d
	}
	rig, err := StartRig(RigOptions{Header: header})
	if err != nil {
		b.Fatal(err)
	}
	defer rig.Close()
	_, gateway, err := rig.Drivers(1000)
	if err != nil {
		b.Fatal(err)
	}
	// Warm up the gateway's client and connections, then let go.
	w, err := Hold(gateway, 300, 300, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	w.Release()
	time.Sleep(time.Second)
	before, err := rig.Gateway.Stats(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	h, err := Hold(gateway, n, 1000, 5*time.Minute)
	b.StopTimer()
	if err != nil {
		h.Release()
		b.Fatal(err)
	}
	time.Sleep(silence)
	if os.Getenv(envIdleSilent) != "" && h.Failed.Load() > 0 {
		b.Errorf("%d silent streams cut within %v; first: %v", h.Failed.Load(), silence, h.Err())
	}
	live, err := rig.Gateway.Stats(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	rt, _ := rig.Runtime.Stats(ctx, false)
	if dir := os.Getenv(envOut); dir != "" {
		for _, p := range []string{"goroutine?debug=1", "heap"} {
			name := fmt.Sprintf("gateway-idle-%d-%s.pprof", n, strings.TrimSuffix(p, "?debug=1"))
			if err := saveURL(rig.Gateway.URL+ProfilePath+p, filepath.Join(dir, name)); err != nil {
				b.Error(err)
			}
		}
	}
	h.Release()
	time.Sleep(2 * time.Second)
	after, _ := rig.Gateway.Stats(ctx, true)

	open := float64(h.Opened.Load())
	perStream := float64(live.RSS-before.RSS) / open
	b.Logf("gateway before: %s", statsLine(before))
	b.Logf("gateway %d open: %s", n, statsLine(live))
	b.Logf("gateway released: %s", statsLine(after))
	b.Logf("runtime %d open: %s", n, statsLine(rt))
	b.Logf("opened %.0f of %d streams in %v; %d failed (first: %v)", open, n, h.Elapsed.Round(time.Millisecond), h.Failed.Load(), h.Err())
	b.ReportMetric(open, "streams")
	b.ReportMetric(float64(h.Failed.Load()), "failed")
	b.ReportMetric(mib(live.RSS), "gw-rss-MiB")
	b.ReportMetric(mib(live.Sys), "gw-sys-MiB")
	b.ReportMetric(perStream/1024, "rss-KiB/stream")
	b.ReportMetric(float64(live.HeapInuse+live.StackInuse-before.HeapInuse-before.StackInuse)/open/1024, "heap+stack-KiB/stream")
	b.ReportMetric(float64(live.Goroutines-before.Goroutines)/open, "goroutines/stream")
	b.ReportMetric((float64(1<<30)-float64(before.RSS))/perStream, "streams-per-GiB")
}

// saveURL writes what GET url answers to file.
func saveURL(url, file string) error {
	resp, err := statsClient.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

func statsLine(s Stats) string {
	return fmt.Sprintf("rss %.1f MiB, sys %.1f MiB, heap %.1f MiB, stacks %.1f MiB, %d goroutines, %d fds, cpu %v",
		mib(s.RSS), mib(s.Sys), mib(s.HeapInuse), mib(s.StackInuse), s.Goroutines, s.FDs, s.CPU.Round(time.Millisecond))
}
