package bench

import (
	"context"
	"slices"
)

// OverheadReport is what a gateway adds over going straight to the
// runtime: per round, the gateway's figure minus the direct one, in
// nanoseconds; then the median over rounds.
type OverheadReport struct {
	Rounds []OverheadRound `json:"rounds"`
	// AddedTTFTP50 … are medians over rounds of the per-round differences.
	AddedTTFTP50 float64 `json:"added_ttft_p50_ns"`
	AddedTTFTP99 float64 `json:"added_ttft_p99_ns"`
	AddedGapP50  float64 `json:"added_gap_p50_ns"`
	AddedGapP99  float64 `json:"added_gap_p99_ns"`
	Stalls       int     `json:"stalls"`
	// Fidelity of the streams through the gateway.
	Fidelity *Fidelity `json:"fidelity,omitempty"`
}

// OverheadRound is one pair of runs, direct then through the gateway.
type OverheadRound struct {
	Direct  *Report `json:"direct"`
	Gateway *Report `json:"gateway"`
}

// Overhead runs the same load straight at direct and through gateway, in
// interleaved rounds so that drift on the machine affects both alike.
func Overhead(ctx context.Context, direct, gateway Driver, rounds int, opts Options) (*OverheadReport, error) {
	if rounds <= 0 {
		rounds = 5
	}
	out := &OverheadReport{}
	var ttft50, ttft99, gap50, gap99 []float64
	for range rounds {
		d, err := Run(ctx, direct, opts)
		if err != nil {
			return nil, err
		}
		g, err := Run(ctx, gateway, opts)
		if err != nil {
			return nil, err
		}
		out.Rounds = append(out.Rounds, OverheadRound{Direct: d, Gateway: g})
		ttft50 = append(ttft50, g.TimeToFirstToken.P50-d.TimeToFirstToken.P50)
		ttft99 = append(ttft99, g.TimeToFirstToken.P99-d.TimeToFirstToken.P99)
		gap50 = append(gap50, g.InterTokenGap.P50-d.InterTokenGap.P50)
		gap99 = append(gap99, g.InterTokenGap.P99-d.InterTokenGap.P99)
		out.Stalls += g.Stalls
		if g.Fidelity != nil {
			if out.Fidelity == nil {
				out.Fidelity = &Fidelity{}
			}
			f := out.Fidelity
			f.Checked += g.Fidelity.Checked
			f.Exact += g.Fidelity.Exact
			f.Lost += g.Fidelity.Lost
			f.Duplicated += g.Fidelity.Duplicated
			f.Reordered += g.Fidelity.Reordered
		}
		if ctx.Err() != nil {
			break
		}
	}
	out.AddedTTFTP50, out.AddedTTFTP99 = median(ttft50), median(ttft99)
	out.AddedGapP50, out.AddedGapP99 = median(gap50), median(gap99)
	return out, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
