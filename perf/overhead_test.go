package perf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bench"
)

// The builtin model's pace in the latency benchmarks: a first token after
// 20ms, then 50 tokens per second, without jitter so that every gap is
// due at the same 20ms.
const pace = "ttft=20ms,tps=50,jitter=0"

// BenchmarkAddedTTFT measures the time to first token the gateway adds:
// per round, the same load straight to the runtime and then through the
// gateway (bench.Overhead); b.N is the number of rounds, so run it with
// -benchtime=Nx. Reported figures are medians over rounds of the
// per-round differences (gateway − direct).
func BenchmarkAddedTTFT(b *testing.B) {
	rig := pacedRig(b, pace)
	direct, gateway, err := rig.Drivers(2)
	if err != nil {
		b.Fatal(err)
	}
	addedTTFT(b, rig, direct, gateway)
}

// BenchmarkAddedTTFTFloor is BenchmarkAddedTTFT with, in the gateway's
// place, a process that only copies bytes (RoleRelay) and the standard
// library's reverse proxy (RoleHTTPProxy): what one more process on the
// path costs this machine before any work is done in it, and what one more
// Go HTTP hop costs.
//
// via=converted is the gateway converting every request through the
// neutral model instead of passing the caller's wire on: what the
// pass-through saves.
func BenchmarkAddedTTFTFloor(b *testing.B) {
	for _, role := range []string{RoleRelay, RoleHTTPProxy, "converted"} {
		b.Run("via="+role, func(b *testing.B) { addedTTFTVia(b, role) })
	}
}

func addedTTFTVia(b *testing.B, role string) {
	rig := pacedRig(b, pace)
	relay := front(b, rig, role)
	direct, err := NewInvoker(rig.Target(rig.Runtime.URL, 2))
	if err != nil {
		b.Fatal(err)
	}
	relayed, err := NewInvoker(rig.Target(relay.URL, 2))
	if err != nil {
		b.Fatal(err)
	}
	addedTTFT(b, rig, direct, relayed)
}

func addedTTFT(b *testing.B, rig *Rig, direct, via *Invoker) {
	warm(b, direct, via)
	want := builtin.Tokens(rig.Target("", 2).Request())
	opts := bench.Options{Concurrency: 8, Requests: 200, Expected: want}
	b.ResetTimer()
	r, err := bench.Overhead(context.Background(), direct, via, b.N, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	logRounds(b, r)
	b.ReportMetric(us(r.AddedTTFTP50), "added-ttft-p50-µs")
	b.ReportMetric(us(r.AddedTTFTP99), "added-ttft-p99-µs")
	b.ReportMetric(fidelityPercent(r), "fidelity-%")
	b.ReportMetric(float64(failures(r)), "failed")
}

// BenchmarkPacedLoad measures what the gateway adds between tokens with
// many paced streams open at once (the target is 256; fewer show where
// this machine keeps up), and the gateway process's CPU time per token it
// relays. b.N is the number of rounds (-benchtime=Nx). A stall is a gap
// over 200ms, ten times the paced gap.
func BenchmarkPacedLoad(b *testing.B) {
	for _, streams := range []int{64, 256} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) { pacedLoad(b, streams) })
	}
}

func pacedLoad(b *testing.B, streams int) {
	const tokens = 100
	rig := pacedRig(b, pace)
	direct, gateway, err := rig.Drivers(tokens)
	if err != nil {
		b.Fatal(err)
	}
	warm(b, direct, gateway)
	want := builtin.Tokens(rig.Target("", tokens).Request())
	opts := bench.Options{Concurrency: streams, Requests: 2 * streams, StallGap: 200 * time.Millisecond, Expected: want}
	ctx := context.Background()
	before, err := rig.Gateway.Stats(ctx, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	r, err := bench.Overhead(ctx, staggered(direct, 20*time.Millisecond), staggered(gateway, 20*time.Millisecond), b.N, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	after, err := rig.Gateway.Stats(ctx, false)
	if err != nil {
		b.Fatal(err)
	}
	relayed := 0
	for _, rd := range r.Rounds {
		relayed += rd.Gateway.Tokens
	}
	logRounds(b, r)
	b.Logf("gateway CPU %v for %d tokens relayed", after.CPU-before.CPU, relayed)
	if dir := os.Getenv(envOut); dir != "" {
		line := fmt.Sprintf("b.N=%d: gateway CPU %v for %d tokens relayed\n\n", b.N, after.CPU-before.CPU, relayed)
		if err := appendFile(filepath.Join(dir, strings.ReplaceAll(b.Name(), "/", "_")+".txt"), line); err != nil {
			b.Error(err)
		}
	}
	b.ReportMetric(us(r.AddedGapP50), "added-gap-p50-µs")
	b.ReportMetric(us(r.AddedGapP99), "added-gap-p99-µs")
	b.ReportMetric(float64(r.Stalls), "stalls")
	b.ReportMetric(fidelityPercent(r), "fidelity-%")
	b.ReportMetric(float64(failures(r)), "failed")
	b.ReportMetric(us(float64(after.CPU-before.CPU)/float64(relayed)), "gw-cpu-µs/token")
}

// BenchmarkRelayCPU streams as fast as the runtime can generate, 16
// streams at a time through a process in front of the runtime; one op is
// one stream. It reports that process's CPU time per stream and per
// relayed token (the runtime and the load generator run in other
// processes), read from /proc. via= names the process: the gateway passing
// the caller's Bedrock wire on (passthrough, what serve does), the same
// gateway converting through the neutral model (converted), Go's reverse
// proxy (httpproxy: what an HTTP hop costs in Go before any Bedrock work)
// and a process that only copies bytes (relay), the floor. With one token a stream is
// almost all setup; the difference between the sizes is the cost of a
// token.
func BenchmarkRelayCPU(b *testing.B) {
	for _, via := range []string{"passthrough", "converted", RoleHTTPProxy, RoleRelay} {
		for _, tokens := range []int{1, 200} {
			b.Run(fmt.Sprintf("via=%s/tokens=%d", via, tokens), func(b *testing.B) { relayCPU(b, via, tokens) })
		}
	}
}

// front is the process in front of rig's runtime that via names.
func front(b *testing.B, rig *Rig, via string) *Process {
	b.Helper()
	switch via {
	case "passthrough":
		return rig.Gateway
	case "converted":
		p, err := Spawn(RoleGateway, envUpstream+"="+rig.Runtime.URL, envUpstreamHeaders+"="+headerLines(rig.header), EnvConvert+"=1")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { p.Close() })
		return p
	}
	p, err := Spawn(via, envUpstream+"="+rig.Runtime.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

func relayCPU(b *testing.B, via string, tokens int) {
	rig := pacedRig(b, "ttft=0s,tps=0")
	p := front(b, rig, via)
	driver, err := NewInvoker(rig.Target(p.URL, tokens))
	if err != nil {
		b.Fatal(err)
	}
	warm(b, driver)
	want := builtin.Tokens(rig.Target("", tokens).Request())
	ctx := context.Background()
	before, err := p.CPU()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	r, err := bench.Run(ctx, driver, bench.Options{Concurrency: 16, Requests: b.N, Expected: want})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	after, err := p.CPU()
	if err != nil {
		b.Fatal(err)
	}
	if r.Failed > 0 || r.Fidelity.Exact != r.Fidelity.Checked {
		b.Fatalf("failed %d %v, fidelity %+v", r.Failed, r.Errors, r.Fidelity)
	}
	cpu := float64(after - before)
	b.ReportMetric(us(cpu/float64(r.Streams)), "cpu-µs/stream")
	b.ReportMetric(us(cpu/float64(r.Tokens)), "cpu-µs/token")
	b.ReportMetric(r.TotalTokensPerSecond, "tokens/s")
}
