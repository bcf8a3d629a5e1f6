package perf

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bench"
)

// envOut, when set, is a directory the benchmarks write their raw
// figures to: each gateway process's CPU profile (gateway-<pace>.pprof),
// every round's figures (<benchmark>.txt, appended) and the whole
// report (<benchmark>-<n>.json), and goroutine and heap profiles of the
// gateway holding idle streams.
const envOut = "ROCKSTREAM_PERF_OUT"

var rigs struct {
	sync.Mutex
	byPace map[string]*Rig
}

// pacedRig is a rig whose builtin model runs at pace, shared by the
// benchmarks of one test binary run (the benchmark function runs more
// than once: first with b.N = 1).
func pacedRig(b *testing.B, pace string) *Rig {
	b.Helper()
	rigs.Lock()
	defer rigs.Unlock()
	if r, ok := rigs.byPace[pace]; ok {
		return r
	}
	o := RigOptions{Header: http.Header{builtin.HeaderPace: {pace}}}
	if dir := os.Getenv(envOut); dir != "" {
		name := strings.NewReplacer(",", "_", "=", "-").Replace(pace)
		o.GatewayCPUProfile = filepath.Join(dir, "gateway-"+name+".pprof")
	}
	r, err := StartRig(o)
	if err != nil {
		b.Fatal(err)
	}
	if rigs.byPace == nil {
		rigs.byPace = map[string]*Rig{}
	}
	rigs.byPace[pace] = r
	return r
}

// closeRigs stops the shared rigs (writing any gateway profiles).
func closeRigs() {
	rigs.Lock()
	defer rigs.Unlock()
	for _, r := range rigs.byPace {
		_ = r.Close()
	}
	rigs.byPace = nil
}

// warm runs a few streams on each driver so that connections exist and
// first-call setup is done before anything is measured.
func warm(b *testing.B, drivers ...bench.Driver) {
	b.Helper()
	for _, d := range drivers {
		r, err := bench.Run(context.Background(), d, bench.Options{Concurrency: 8, Requests: 32})
		if err != nil || r.Failed > 0 {
			b.Fatalf("warm-up: %v %v", err, r.Errors)
		}
	}
}

// staggered delays each stream's start by up to spread, so that paced
// streams do not tick in lockstep. The delay counts in TTFT and latency,
// never in inter-token gaps.
func staggered(d bench.Driver, spread time.Duration) bench.Driver {
	return bench.DriverFunc(func(ctx context.Context, onToken func(string)) error {
		time.Sleep(rand.N(spread))
		return d.Stream(ctx, onToken)
	})
}

func us(ns float64) float64 { return ns / 1e3 }

// logRounds prints every round's raw figures.
func logRounds(b *testing.B, r *bench.OverheadReport) {
	b.Helper()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%5s %-8s %8s %10s %10s %10s %10s %10s %7s %6s %9s\n", "round", "path", "streams",
		"ttft p50", "ttft p99", "gap p50", "gap p99", "gap max", "stalls", "fail", "fidelity")
	for i, rd := range r.Rounds {
		for _, side := range []struct {
			name string
			r    *bench.Report
		}{{"direct", rd.Direct}, {"gateway", rd.Gateway}} {
			x := side.r
			fid := 100.0
			if x.Fidelity != nil {
				fid = x.Fidelity.Percent()
			}
			fmt.Fprintf(&sb, "%5d %-8s %8d %10s %10s %10s %10s %10s %7d %6d %8.2f%%\n", i+1, side.name, x.Streams,
				d(x.TimeToFirstToken.P50), d(x.TimeToFirstToken.P99), d(x.InterTokenGap.P50),
				d(x.InterTokenGap.P99), d(x.InterTokenGap.Max), x.Stalls, x.Failed, fid)
		}
	}
	b.Log("\n" + sb.String())
	if dir := os.Getenv(envOut); dir != "" {
		name := strings.NewReplacer("/", "_").Replace(b.Name())
		if err := appendFile(filepath.Join(dir, name+".txt"), sb.String()+"\n"); err != nil {
			b.Error(err)
		}
		js, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", name, b.N)), js, 0o644); err != nil {
			b.Error(err)
		}
	}
}

func appendFile(file, text string) error {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func d(ns float64) string { return time.Duration(ns).Round(time.Microsecond).String() }

// fidelityPercent is the share of exact gateway streams, 100 with none.
func fidelityPercent(r *bench.OverheadReport) float64 {
	if r.Fidelity == nil {
		return 100
	}
	return r.Fidelity.Percent()
}

// failures counts failed streams on both paths.
func failures(r *bench.OverheadReport) int {
	n := 0
	for _, rd := range r.Rounds {
		n += rd.Direct.Failed + rd.Gateway.Failed
	}
	return n
}
