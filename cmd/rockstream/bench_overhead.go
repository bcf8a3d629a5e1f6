package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/bench"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
)

// startBenchRuntime serves the builtin model at pace (a real model's when
// empty; the flag was checked) on a loopback port, with the gateway
// endpoints so every --api has somewhere to go.
func startBenchRuntime(ctx context.Context, pace string) (*localRuntime, error) {
	var opts builtin.Options
	if pace != "" {
		p, err := builtin.ParsePace(pace, builtin.DefaultPace)
		if err != nil {
			return nil, err
		}
		opts.Pace = &p
	}
	return startWithGateway(ctx, builtin.New(opts))
}

// startWithGateway serves backend over the Bedrock wire and the gateway
// endpoints on a loopback port until close.
func startWithGateway(ctx context.Context, backend rockstream.Backend) (*localRuntime, error) {
	var gw *gateway.Gateway
	rt, err := server.Start(ctx, server.Options{
		Backend: backend,
		Region:  defaultRegion,
		Mount: func(mux *http.ServeMux) {
			gw = gateway.Register(mux, gateway.Options{Backend: backend})
		},
	}, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &localRuntime{url: rt.URL, close: func() {
		grace, cancel := context.WithTimeout(context.Background(), server.ShutdownGrace)
		defer cancel()
		_ = gw.Shutdown(grace)
		_ = rt.Close()
	}}, nil
}

// benchOverhead runs the same load straight at an in-process runtime and
// through an in-process gateway (the bedrock backend in front of it) and
// reports what the gateway adds.
func (c *cli) benchOverhead(ctx context.Context, f benchFlags, t bench.Target, opts bench.Options) int {
	runtime, err := startBenchRuntime(ctx, f.pace)
	if err != nil {
		return c.fail("bench", err)
	}
	defer runtime.close()
	upstreamAPI := bedrock.Invoke
	if f.api == "converse-stream" {
		upstreamAPI = bedrock.Converse
	}
	relay, err := amazonbedrock.New(ctx, amazonbedrock.Options{Client: bedrock.Options{
		Region: defaultRegion, EndpointURL: runtime.url, API: upstreamAPI, AWSConfig: dummyConfig(defaultRegion),
	}})
	if err != nil {
		return c.fail("bench", err)
	}
	gw, err := startWithGateway(ctx, relay)
	if err != nil {
		return c.fail("bench", err)
	}
	defer gw.close()
	fmt.Fprintf(c.stderr, "rockstream: measuring the gateway at %s (bedrock backend) in front of the runtime at %s (builtin model), %d rounds over %s.\n",
		gw.url, runtime.url, f.rounds, f.api)

	direct, through := t, t
	direct.URL, through.URL = runtime.url, gw.url
	dd, err := driver(ctx, f.api, direct)
	if err != nil {
		return c.fail("bench", err)
	}
	gd, err := driver(ctx, f.api, through)
	if err != nil {
		return c.fail("bench", err)
	}
	r, err := bench.Overhead(ctx, dd, gd, f.rounds, opts)
	c.endProgress(opts)
	if err != nil {
		return c.fail("bench", err)
	}
	if f.json {
		writeJSON(c.stdout, r)
	} else {
		writeOverhead(c.stdout, r, f.api)
	}
	failed, streams := 0, 0
	fid := &bench.Fidelity{}
	for _, round := range r.Rounds {
		for _, rep := range []*bench.Report{round.Direct, round.Gateway} {
			failed += rep.Failed
			streams += rep.Streams
			if rep.Fidelity != nil {
				fid.Checked += rep.Fidelity.Checked
				fid.Exact += rep.Fidelity.Exact
			}
		}
	}
	return c.benchVerdict(ctx, failed, streams, fid)
}

// writeOverhead prints the overhead report for people: each round's
// medians, then what the gateway adds.
func writeOverhead(w io.Writer, r *bench.OverheadReport, api string) {
	ms := func(ns float64) string {
		d := time.Duration(ns).Round(time.Microsecond)
		if d >= 0 {
			return "+" + d.String()
		}
		return d.String()
	}
	for i, round := range r.Rounds {
		fmt.Fprintf(w, "round %d: time to first token p50 %v direct, %v through the gateway; streams %d+%d, failed %d+%d\n",
			i+1, time.Duration(round.Direct.TimeToFirstToken.P50).Round(time.Microsecond),
			time.Duration(round.Gateway.TimeToFirstToken.P50).Round(time.Microsecond),
			round.Direct.Streams, round.Gateway.Streams, round.Direct.Failed, round.Gateway.Failed)
	}
	fmt.Fprintf(w, "added by the gateway over %s (median of %d rounds):\n", api, len(r.Rounds))
	fmt.Fprintf(w, "  time to first token  p50 %s  p99 %s\n", ms(r.AddedTTFTP50), ms(r.AddedTTFTP99))
	fmt.Fprintf(w, "  inter-token gap      p50 %s  p99 %s\n", ms(r.AddedGapP50), ms(r.AddedGapP99))
	fmt.Fprintf(w, "stalls through the gateway %d\n", r.Stalls)
	if f := r.Fidelity; f != nil {
		fmt.Fprintf(w, "fidelity through the gateway %.2f%% (%d of %d streams exact; lost %d, duplicated %d, reordered %d)\n",
			f.Percent(), f.Exact, f.Checked, f.Lost, f.Duplicated, f.Reordered)
	}
}
