package perf

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkWakeRoundTrip measures this machine rather than rockstream: a
// one-byte round trip over loopback TCP to another process (RoleEcho),
// sent after the two have been idle for a gap. A paced stream's first
// token arrives after such a gap (20ms in BenchmarkAddedTTFT), so every
// process on its path pays a wake-up like this one. One op is one round
// trip; the figures are percentiles over b.N of them.
func BenchmarkWakeRoundTrip(b *testing.B) {
	for _, gap := range []time.Duration{0, time.Millisecond, 20 * time.Millisecond} {
		b.Run("idle="+gap.String(), func(b *testing.B) { wakeRoundTrip(b, gap) })
	}
}

func wakeRoundTrip(b *testing.B, gap time.Duration) {
	echo, err := Spawn(RoleEcho)
	if err != nil {
		b.Fatal(err)
	}
	defer echo.Close()
	c, err := net.Dial("tcp", strings.TrimPrefix(echo.URL, "tcp://"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := []byte{'x'}
	rtts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		time.Sleep(gap)
		b.StartTimer()
		start := time.Now()
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(buf); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(rtts)
	at := func(p float64) float64 { return us(float64(rtts[int(p*float64(len(rtts)-1))])) }
	b.ReportMetric(at(0.5), "rtt-p50-µs")
	b.ReportMetric(at(0.99), "rtt-p99-µs")
	b.Logf("%d round trips after %v idle: p50 %.0f µs, p90 %.0f µs, p99 %.0f µs", len(rtts), gap, at(0.5), at(0.9), at(0.99))
}
