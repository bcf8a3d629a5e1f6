package bench

import (
	"context"
	"testing"
	"time"
)

func TestOverheadSubtractsDirectFromGateway(t *testing.T) {
	direct := pieces(answer)
	slow := DriverFunc(func(ctx context.Context, onToken func(string)) error {
		time.Sleep(20 * time.Millisecond)
		return direct.Stream(ctx, onToken)
	})
	r, err := Overhead(context.Background(), direct, slow, 3, Options{Requests: 2, Expected: answer})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rounds) != 3 {
		t.Fatalf("rounds = %d", len(r.Rounds))
	}
	// Sleeping never takes less than asked, so the gateway side's first
	// token is at least 20ms after its start; the direct side's can be
	// late by a scheduler's pause on a busy machine, hence the margin.
	if r.AddedTTFTP50 < float64(10*time.Millisecond) {
		t.Errorf("added TTFT p50 = %v", time.Duration(r.AddedTTFTP50))
	}
	if f := r.Fidelity; f == nil || f.Checked != 6 || f.Exact != 6 {
		t.Errorf("fidelity = %+v", f)
	}
}
