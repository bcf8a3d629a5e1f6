// Package builtin is rockstream's local model: a deterministic backend
// that answers any request with readable English built from the prompt,
// streamed token by token at a real model's pace, with no AWS account.
// It validates model identifiers against the catalog as Bedrock does,
// honours max_tokens, stop sequences, tools and thinking, and injects
// faults, pacing and quotas from request headers (ParseHeaders) or a rule
// file (LoadRules). A script file (LoadScript) fixes answers to chosen
// prompts.
//
// Token accounting: a text piece is a word with the whitespace before it;
// output tokens are the deltas sent (reasoning, text and tool-input
// pieces); input tokens follow InputTokens.
//
// Bedrock's features are simulated as Bedrock reports them: cache points
// on a caching model create prompt-cache entries that later requests
// read (cache.go); documents count as input (documents.go); the
// performance profile, service tier and requested response fields are
// echoed (echo.go); thinking and tool-choice rules are enforced, and a
// forced tool call comes without text before it (checks.go).
package builtin

import (
	"context"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// Options configure a Backend. The zero value streams at DefaultPace
// with no rules and no script.
type Options struct {
	// Pace is the default pace; nil means DefaultPace. &Pace{} streams as
	// fast as the reader takes events.
	Pace *Pace
	// Rules inject faults, pacing and quotas; nil means none.
	Rules *Rules
	// Script fixes answers to chosen prompts; nil means none.
	Script *Script
	// Now is the clock for quotas, metrics and the prompt cache's
	// lifetimes; nil means time.Now.
	Now func() time.Time
	// CacheEntries and CacheBytes bound the prompt cache: how many
	// entries it holds and how many bytes of prompt they stand for;
	// zero means DefaultCacheEntries and DefaultCacheBytes.
	CacheEntries int
	CacheBytes   int64
}

// Backend is the builtin model. It is safe for concurrent use.
type Backend struct {
	opts   Options
	pace   Pace
	now    func() time.Time
	quotas quotaState
	cache  *promptCache
}

var _ rockstream.Backend = (*Backend)(nil)

// New returns a builtin backend.
func New(opts Options) *Backend {
	b := &Backend{opts: opts, pace: DefaultPace, now: opts.Now, cache: newPromptCache(opts.CacheEntries, opts.CacheBytes)}
	if opts.Pace != nil {
		b.pace = *opts.Pace
	}
	if b.now == nil {
		b.now = time.Now
	}
	return b
}

// Tokens returns the text pieces b streams for req without overrides,
// in order; nil when the model cannot be invoked.
func (b *Backend) Tokens(req *rockstream.Request) []string {
	m, err := catalog.Resolve(modelOf(req))
	if err != nil {
		return nil
	}
	p := makePlan(context.Background(), req, m.ID, seedFor(req, nil), b.opts.Script)
	var out []string
	for _, bl := range p.blocks {
		if bl.typ == rockstream.BlockText {
			out = append(out, bl.pieces...)
		}
	}
	return out
}

func modelOf(req *rockstream.Request) string {
	if req.Model == "" {
		return catalog.DefaultModel
	}
	return req.Model
}

// Stream answers req. It runs in the caller's goroutine: breaking out of
// the loop or cancelling ctx ends it at once, with nothing left running.
// Pre-stream failures (unknown or end-of-life model, a model that needs an
// inference profile, quota, an injected exception) are yielded alone.
func (b *Backend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil {
			yield(nil, rockstream.Validationf("there is no request to stream"))
			return
		}
		start := b.now()
		m, err := catalog.Resolve(modelOf(req))
		if err != nil {
			yield(nil, err)
			return
		}
		if err := checkCarried(req); err != nil {
			yield(nil, err)
			return
		}
		if err := checkModelRules(req, m); err != nil {
			yield(nil, err)
			return
		}
		var gd *guard
		if cfg := req.Guardrail; cfg != nil {
			g, err := b.opts.Rules.guardrail(cfg.Identifier, cfg.Version, "ValidationException")
			if err != nil {
				yield(nil, err)
				return
			}
			gd = newGuard(g, req, b.now)
			if gd.checkInput(req) {
				id := "msg_bdrk_" + randomID(rand.New(rand.NewPCG(seedFor(req, nil), 7)))
				for _, ev := range gd.blockedInput(id, m.ID, InputTokens(req)) {
					if !yield(ev, nil) {
						return
					}
				}
				return
			}
			yield = gd.wrap(yield)
		}
		ov := overridesFrom(ctx)
		ruleFault, rulePace := b.opts.Rules.match(req.Model, m.ID, promptOf(req))
		fault, pace := ov.Fault, ov.Pace
		if fault == nil {
			fault = ruleFault
		}
		if pace == nil {
			pace = rulePace
		}
		if pace == nil {
			pace = &b.pace
		}
		if fault != nil && !fault.InStream {
			yield(nil, faultError(fault))
			return
		}
		seed := seedFor(req, ov.Seed)
		p := makePlan(ctx, req, m.ID, seed, b.opts.Script)
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		if msg, ok := b.quotas.take(b.opts.Rules, req.Model, m.ID, p.inputTokens+p.outputTokens(), start); !ok {
			yield(nil, rockstream.BedrockError("ThrottlingException", msg))
			return
		}
		p.settleCache(b.applyCache(req, m, start))
		p.echo(req, m.Family)
		e := emitter{ctx: ctx, yield: yield, now: b.now, start: start,
			pacer: pacer{pace: *pace, rng: rand.New(rand.NewPCG(seed, 1))}}
		if fault != nil {
			f := *fault
			e.fault = &f
		}
		defer e.pacer.stop()
		e.run(p)
	}
}

// emitter sends one plan's events, pacing the deltas and striking the
// fault when its event count comes.
type emitter struct {
	ctx   context.Context
	yield func(rockstream.Event, error) bool
	now   func() time.Time
	start time.Time
	pacer pacer
	fault *Fault // pending in-stream fault
	sent  int
	first time.Duration // time to the first delta
}

func (e *emitter) run(p *plan) {
	if !e.send(rockstream.MessageStart{ID: p.messageID, Model: p.model,
		Usage: p.inputUsage()}, false) {
		return
	}
	for i, bl := range p.blocks {
		if !e.send(rockstream.BlockStart{Index: i, Type: bl.typ, ToolUseID: bl.toolUseID, Name: bl.name}, false) {
			return
		}
		for _, piece := range bl.pieces {
			var ev rockstream.Event
			switch bl.typ {
			case rockstream.BlockThinking:
				ev = rockstream.ReasoningDelta{Index: i, Text: piece}
			case rockstream.BlockToolUse:
				ev = rockstream.ToolInputDelta{Index: i, PartialJSON: piece}
			default:
				ev = rockstream.TextDelta{Index: i, Text: piece}
			}
			if !e.send(ev, true) {
				return
			}
		}
		if bl.signature != "" && !e.send(rockstream.SignatureDelta{Index: i, Signature: bl.signature}, false) {
			return
		}
		if !e.send(rockstream.BlockStop{Index: i}, false) {
			return
		}
	}
	// A fault set to strike after more events than the answer has strikes
	// before MessageStop, so it is never lost.
	if e.fault != nil && e.fault.After > e.sent {
		e.fault.After = e.sent
	}
	if !e.send(rockstream.MessageStop{StopReason: p.stop, StopSequence: p.stopSeq, AdditionalFields: p.additional}, false) {
		return
	}
	usage := p.inputUsage()
	usage.OutputTokens = p.outputTokens()
	e.send(rockstream.Metadata{Usage: usage, Metrics: rockstream.Metrics{
		FirstByteLatency:  e.first,
		InvocationLatency: e.now().Sub(e.start),
	}, Latency: p.latency, ServiceTier: p.serviceTier}, false)
}

// send yields ev, first striking a due fault and, for deltas, waiting for
// the pace. It reports whether the stream goes on.
func (e *emitter) send(ev rockstream.Event, delta bool) bool {
	if f := e.fault; f != nil && e.sent >= f.After {
		e.fault = nil
		if f.Kind != FaultSilence {
			e.yield(nil, faultError(f))
			return false
		}
		if err := e.pacer.sleep(e.ctx, f.Silence); err != nil {
			e.yield(nil, err)
			return false
		}
	}
	if delta {
		if err := e.pacer.wait(e.ctx); err != nil {
			e.yield(nil, err)
			return false
		}
		if e.first == 0 {
			e.first = max(e.now().Sub(e.start), time.Nanosecond)
		}
	}
	if err := e.ctx.Err(); err != nil {
		e.yield(nil, err)
		return false
	}
	e.sent++
	return e.yield(ev, nil)
}

// pacer spaces deltas with one timer per stream, reused for every wait.
type pacer struct {
	pace    Pace
	rng     *rand.Rand
	timer   *time.Timer
	started bool
}

// wait blocks until the next delta is due: FirstToken before the first,
// 1/TokensPerSecond (± Jitter) before each other.
func (p *pacer) wait(ctx context.Context) error {
	d := p.next()
	if d <= 0 {
		return nil
	}
	return p.sleep(ctx, d)
}

// next is the gap before the next delta.
func (p *pacer) next() time.Duration {
	var d time.Duration
	if !p.started {
		p.started = true
		d = p.pace.FirstToken
	} else if p.pace.TokensPerSecond > 0 {
		d = time.Duration(float64(time.Second) / p.pace.TokensPerSecond)
	}
	if d > 0 && p.pace.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + p.pace.Jitter*(2*p.rng.Float64()-1)))
	}
	return d
}

// sleep waits d or until ctx is done.
func (p *pacer) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		p.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		p.timer.Stop()
		return ctx.Err()
	case <-p.timer.C:
		return nil
	}
}

func (p *pacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
