package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

var answer = []string{"Once", " upon", " a", " time"}

func pieces(p []string) Driver {
	return DriverFunc(func(ctx context.Context, onToken func(string)) error {
		for _, s := range p {
			onToken(s)
		}
		return nil
	})
}

func TestRunCountsStreamsAndTokens(t *testing.T) {
	r, err := Run(context.Background(), pieces(answer), Options{Concurrency: 4, Requests: 10, Expected: answer})
	if err != nil {
		t.Fatal(err)
	}
	if r.Streams != 10 || r.Completed != 10 || r.Failed != 0 || r.Tokens != 40 {
		t.Fatalf("report = %+v", r)
	}
	if r.TimeToFirstToken.Count != 10 || r.InterTokenGap.Count != 30 || r.Latency.Count != 10 {
		t.Errorf("distribution counts: ttft %d gaps %d latency %d", r.TimeToFirstToken.Count, r.InterTokenGap.Count, r.Latency.Count)
	}
	if f := r.Fidelity; f.Checked != 10 || f.Exact != 10 || f.Percent() != 100 {
		t.Errorf("fidelity = %+v", f)
	}
}

func TestFidelityFindsLostDuplicatedReordered(t *testing.T) {
	cases := []struct {
		name string
		got  []string
		want Fidelity
	}{
		{"exact", answer, Fidelity{Checked: 1, Exact: 1}},
		{"lost", []string{"Once", " upon", " time"}, Fidelity{Checked: 1, Lost: 1}},
		{"duplicated", []string{"Once", " upon", " upon", " a", " time"}, Fidelity{Checked: 1, Duplicated: 1}},
		{"reordered", []string{"Once", " a", " upon", " time"}, Fidelity{Checked: 1, Reordered: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f Fidelity
			f.check(answer, c.got)
			if f != c.want {
				t.Errorf("got %+v, want %+v", f, c.want)
			}
		})
	}
}

func TestRunClassifiesErrors(t *testing.T) {
	var n atomic.Int64
	d := DriverFunc(func(ctx context.Context, onToken func(string)) error {
		onToken("x")
		if n.Add(1)%2 == 0 {
			return rockstream.BedrockError("ThrottlingException", "slow down")
		}
		return nil
	})
	r, err := Run(context.Background(), d, Options{Requests: 6})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed != 3 || r.Completed != 3 || r.Errors["throttling"] != 3 {
		t.Fatalf("report = %+v", r)
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	d := DriverFunc(func(ctx context.Context, onToken func(string)) error {
		onToken("x")
		return nil
	})
	r, err := Run(context.Background(), d, Options{Concurrency: 2, Duration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Streams == 0 || r.Failed != 0 {
		t.Fatalf("report = %+v", r)
	}
}

func TestStallsCountGapsAboveThreshold(t *testing.T) {
	d := DriverFunc(func(ctx context.Context, onToken func(string)) error {
		onToken("a")
		time.Sleep(2 * time.Millisecond)
		onToken("b")
		return nil
	})
	r, _ := Run(context.Background(), d, Options{Requests: 1, StallGap: time.Millisecond})
	if r.Stalls != 1 {
		t.Fatalf("stalls = %d, want 1", r.Stalls)
	}
}

func TestReportRendersTextAndJSON(t *testing.T) {
	r, _ := Run(context.Background(), pieces(answer), Options{Requests: 3, Expected: answer})
	var buf bytes.Buffer
	r.WriteText(&buf)
	for _, want := range []string{"streams 3 (completed 3, failed 0)", "time to first token", "fidelity 100.00%"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, buf.String())
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || back.Tokens != 12 {
		t.Fatalf("JSON round trip: %v %+v", err, back)
	}
}

func TestQuantileNearestRank(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if q := quantile(v, 0.5); q != 5 {
		t.Errorf("p50 = %v", q)
	}
	if q := quantile(v, 0.99); q != 10 {
		t.Errorf("p99 = %v", q)
	}
	if q := quantile([]float64{7}, 0.9); q != 7 {
		t.Errorf("single = %v", q)
	}
}

// Every time in the text report is milliseconds with two decimals and
// every rate has one, so columns line up and read alike.
func TestReportTextUnits(t *testing.T) {
	r := &Report{Streams: 2, Completed: 1, Failed: 1, Elapsed: 1500 * time.Millisecond,
		Errors:           map[string]int{"throttling": 1, "auth": 2},
		TimeToFirstToken: Distribution{P50: 850e3, P90: 12.345e6, P99: 1.5e9, Max: 2e9},
		InterTokenGap:    Distribution{P50: 0, P90: 1e3, P99: 1e6, Max: 3e6},
		Latency:          Distribution{P50: 1e9, P90: 2e9, P99: 3e9, Max: 4e9}}
	var buf bytes.Buffer
	r.WriteText(&buf)
	text := buf.String()
	cell := regexp.MustCompile(`^\d+\.\d{2}$`)
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "(ms)") {
			continue
		}
		rows++
		f := strings.Fields(line)
		for _, c := range f[len(f)-4:] {
			if !cell.MatchString(c) {
				t.Errorf("cell %q in %q is not milliseconds with two decimals", c, line)
			}
		}
	}
	if rows != 3 {
		t.Errorf("%d time rows, want 3:\n%s", rows, text)
	}
	if !strings.Contains(text, "time to first token (ms)       0.85      12.35    1500.00    2000.00") {
		t.Errorf("time to first token row:\n%s", text)
	}
	if strings.Index(text, "errors auth") > strings.Index(text, "errors throttling") {
		t.Errorf("errors not in class order:\n%s", text)
	}
	if !strings.Contains(text, "in 1.50 s;") {
		t.Errorf("elapsed:\n%s", text)
	}
}
