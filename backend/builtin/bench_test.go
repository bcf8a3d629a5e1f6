package builtin

import (
	"context"
	"testing"
)

// BenchmarkStream measures how fast the builtin model generates events
// with no pacing: go test -bench Stream -run XXX ./backend/builtin
func BenchmarkStream(b *testing.B) {
	be := New(Options{Pace: &Pace{}})
	req := storyRequest()
	ctx := context.Background()
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		for _, err := range be.Stream(ctx, req) {
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
