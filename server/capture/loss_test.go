package capture_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/rockstream/rockstream"
)

// lossyBackend hands its backend each request as the relay did before it
// kept its callers' wires and options: converted from the neutral model
// (no Wire), with no cache point, guardrail, metadata, latency, tier,
// output format or extra fields.
type lossyBackend struct{ next rockstream.Backend }

func (l lossyBackend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	r := *req
	r.Wire, r.Options = nil, rockstream.Options{}
	r.Messages = make([]rockstream.Message, len(req.Messages))
	for i, m := range req.Messages {
		r.Messages[i] = rockstream.Message{Role: m.Role, Content: uncached(m.Content)}
	}
	r.Tools = make([]rockstream.Tool, len(req.Tools))
	for i, tool := range req.Tools {
		tool.Cache = nil
		r.Tools[i] = tool
	}
	return l.next.Stream(ctx, &r)
}

// uncached copies blocks without their cache points.
func uncached(blocks []rockstream.Block) []rockstream.Block {
	out := make([]rockstream.Block, 0, len(blocks))
	for _, b := range blocks {
		b.Cache, b.Content = nil, uncached(b.Content)
		out = append(out, b)
	}
	return out
}

// Every pair's checks tell a lossy relay from the real one: run against
// lossyBackend, at least one check of each pair fails. A pair that
// passed both ways would prove nothing.
func TestCaptureCatchesLoss(t *testing.T) {
	t.Parallel()
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, p.backend, envOptions{lossy: true, upstream: p.upstream, chunks: p.chunks})
			r := p.call.send(t, e)
			var pr probe
			for _, c := range p.checks {
				pr.run(c, r)
			}
			if len(pr.failures) == 0 {
				t.Fatal("every check passed against a relay that loses the caller's wire and options")
			}
			t.Logf("caught: %s", pr.failures[0])
		})
	}
}

// errFatal stops a check that a probe saw fail fatally.
var errFatal = errors.New("capture: fatal check failure")

// probe is a tb that collects failures instead of failing the test.
type probe struct{ failures []string }

func (p *probe) Helper()                         {}
func (p *probe) Logf(format string, args ...any) {}
func (p *probe) Errorf(format string, args ...any) {
	p.failures = append(p.failures, fmt.Sprintf(format, args...))
}
func (p *probe) Fatalf(format string, args ...any) {
	p.Errorf(format, args...)
	panic(errFatal)
}

// run runs c, ending it at its first fatal failure.
func (p *probe) run(c check, r *result) {
	defer func() {
		if v := recover(); v != nil && v != errFatal {
			panic(v)
		}
	}()
	c(p, r)
}
