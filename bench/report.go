package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/rockstream/rockstream"
)

// Report is the result of a run. Durations are in the JSON as nanoseconds.
type Report struct {
	Streams   int            `json:"streams"`
	Completed int            `json:"completed"`
	Failed    int            `json:"failed"`
	Errors    map[string]int `json:"errors,omitempty"` // by error class
	Elapsed   time.Duration  `json:"elapsed_ns"`

	TimeToFirstToken Distribution `json:"time_to_first_token"`
	InterTokenGap    Distribution `json:"inter_token_gap"`
	Latency          Distribution `json:"latency"`
	// StreamTokensPerSecond is each stream's output pieces over its
	// time from first to last token.
	StreamTokensPerSecond Distribution `json:"stream_tokens_per_second"`
	// TotalTokensPerSecond is every piece received over the run's time.
	TotalTokensPerSecond float64 `json:"total_tokens_per_second"`
	Tokens               int     `json:"tokens"`

	// Stalls counts gaps longer than Options.StallGap.
	Stalls   int       `json:"stalls"`
	Fidelity *Fidelity `json:"fidelity,omitempty"`
}

// Distribution summarizes samples; for durations the values are
// nanoseconds, for rates they are per second.
type Distribution struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
}

func distribution(values []float64) Distribution {
	if len(values) == 0 {
		return Distribution{}
	}
	slices.Sort(values)
	var sum float64
	for _, v := range values {
		sum += v
	}
	return Distribution{
		Count: len(values),
		P50:   quantile(values, 0.50),
		P90:   quantile(values, 0.90),
		P99:   quantile(values, 0.99),
		Max:   values[len(values)-1],
		Mean:  sum / float64(len(values)),
	}
}

// quantile reads q from sorted values by the nearest-rank method.
func quantile(sorted []float64, q float64) float64 {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func durations(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d)
	}
	return out
}

func summarize(samples []*sample, elapsed time.Duration, opts Options) *Report {
	r := &Report{Streams: len(samples), Elapsed: elapsed, Errors: map[string]int{}}
	var ttft, gaps, lat, rates []float64
	var fid *Fidelity
	if opts.Expected != nil {
		fid = &Fidelity{}
	}
	for _, s := range samples {
		r.Tokens += len(s.pieces)
		if s.err != nil {
			r.Failed++
			r.Errors[string(rockstream.AsError(s.err).Class)]++
		} else {
			r.Completed++
			lat = append(lat, float64(s.latency))
		}
		if len(s.pieces) > 0 {
			ttft = append(ttft, float64(s.ttft))
		}
		for _, g := range s.gaps {
			if g > opts.StallGap {
				r.Stalls++
			}
		}
		gaps = append(gaps, durations(s.gaps)...)
		if span := sum(s.gaps); span > 0 {
			rates = append(rates, float64(len(s.gaps))/span.Seconds())
		}
		if fid != nil && s.err == nil {
			fid.check(opts.Expected, s.pieces)
		}
	}
	r.TimeToFirstToken = distribution(ttft)
	r.InterTokenGap = distribution(gaps)
	r.Latency = distribution(lat)
	r.StreamTokensPerSecond = distribution(rates)
	if elapsed > 0 {
		r.TotalTokensPerSecond = float64(r.Tokens) / elapsed.Seconds()
	}
	r.Fidelity = fid
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	return r
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

// WriteText prints the report for people: times in milliseconds and
// rates in tokens per second, each column with the same decimals, errors
// by class in name order.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "streams %d (completed %d, failed %d) in %.2f s; %d tokens, %.1f tokens/s in total\n",
		r.Streams, r.Completed, r.Failed, r.Elapsed.Seconds(), r.Tokens, r.TotalTokensPerSecond)
	for _, class := range slices.Sorted(maps.Keys(r.Errors)) {
		fmt.Fprintf(w, "  errors %-14s %d\n", class, r.Errors[class])
	}
	fmt.Fprintf(w, "%-24s %10s %10s %10s %10s\n", "", "p50", "p90", "p99", "max")
	row := func(name string, d Distribution) {
		fmt.Fprintf(w, "%-24s %10.2f %10.2f %10.2f %10.2f\n", name+" (ms)", ms(d.P50), ms(d.P90), ms(d.P99), ms(d.Max))
	}
	row("time to first token", r.TimeToFirstToken)
	row("inter-token gap", r.InterTokenGap)
	row("latency", r.Latency)
	d := r.StreamTokensPerSecond
	fmt.Fprintf(w, "%-24s %10.1f %10.1f %10.1f %10.1f\n", "tokens/s per stream", d.P50, d.P90, d.P99, d.Max)
	fmt.Fprintf(w, "stalls %d\n", r.Stalls)
	if f := r.Fidelity; f != nil {
		fmt.Fprintf(w, "fidelity %.2f%% (%d of %d streams exact; lost %d, duplicated %d, reordered %d)\n",
			f.Percent(), f.Exact, f.Checked, f.Lost, f.Duplicated, f.Reordered)
	}
}

// ms is a duration in nanoseconds as milliseconds.
func ms(ns float64) float64 { return ns / float64(time.Millisecond) }
