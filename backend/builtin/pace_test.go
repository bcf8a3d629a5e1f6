package builtin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

func TestPacerGaps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pace       Pace
		first      time.Duration
		gap        time.Duration
		jitterBand float64
	}{
		{DefaultPace, 400 * time.Millisecond, 20 * time.Millisecond, 0.2},
		{Pace{FirstToken: time.Second, TokensPerSecond: 4}, time.Second, 250 * time.Millisecond, 0},
		{Pace{TokensPerSecond: 0, FirstToken: 0}, 0, 0, 0},
		{Pace{FirstToken: 50 * time.Millisecond}, 50 * time.Millisecond, 0, 0},
	}
	for _, tt := range tests {
		p := pacer{pace: tt.pace, rng: rand.New(rand.NewPCG(1, 2))}
		within := func(got, want time.Duration) bool {
			lo := time.Duration(float64(want) * (1 - tt.jitterBand))
			hi := time.Duration(float64(want) * (1 + tt.jitterBand))
			return got >= lo && got <= hi
		}
		if got := p.next(); !within(got, tt.first) {
			t.Errorf("%+v: first gap %v, want %v ± %.0f%%", tt.pace, got, tt.first, tt.jitterBand*100)
		}
		varied := false
		prev := time.Duration(-1)
		for range 50 {
			got := p.next()
			if !within(got, tt.gap) {
				t.Fatalf("%+v: gap %v, want %v ± %.0f%%", tt.pace, got, tt.gap, tt.jitterBand*100)
			}
			varied = varied || prev >= 0 && got != prev
			prev = got
		}
		if varied != (tt.jitterBand > 0) {
			t.Errorf("%+v: gaps varied = %v", tt.pace, varied)
		}
	}
}

// A script makes the builtin answer exactly what a test needs.
func ExampleBackend_Stream() {
	script, err := ParseScript([]byte(`{"answers":[{"prompt":"(?i)hello","text":"Hello from the local runtime."}]}`))
	if err != nil {
		panic(err)
	}
	b := New(Options{Pace: &Pace{}, Script: script})
	req := &rockstream.Request{Model: catalog.DefaultModel, MaxTokens: 100,
		Messages: []rockstream.Message{rockstream.UserText("Hello?")}}
	for ev, err := range b.Stream(context.Background(), req) {
		if err != nil {
			panic(err)
		}
		switch e := ev.(type) {
		case rockstream.TextDelta:
			fmt.Printf("%q\n", e.Text)
		case rockstream.Metadata:
			fmt.Println(e.Usage.InputTokens, "in,", e.Usage.OutputTokens, "out")
		}
	}
	// Output:
	// "Hello"
	// " from"
	// " the"
	// " local"
	// " runtime."
	// 4 in, 5 out
}
