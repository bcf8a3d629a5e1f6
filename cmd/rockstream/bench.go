package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/bench"
)

const benchUsage = `rockstream bench [flags]
rockstream bench --target http://127.0.0.1:8080 --api openai --concurrency 64 --requests 1000
rockstream bench --overhead [--rounds 5] [--api invoke-stream]`

const benchAbout = `Drives a rockstream serve (or anything speaking one of the four APIs) with
bounded load and reports time to first token, inter-token gaps, latency,
tokens per second, stalls, errors and fidelity: whether each stream carried
exactly the answer known in advance (with --expect builtin). The run ends
after --requests streams or after --duration, whichever comes first. The
report goes to stdout (JSON with --json); a progress line goes to stderr
when it is a terminal.

Without --target, bench starts the local runtime in-process (builtin model
at --pace, with the gateway endpoints) and says so on stderr; fidelity is
then checked against the builtin model's answer.

--overhead measures what a gateway adds: it starts, in-process, a runtime
(builtin model) and a gateway (the bedrock backend in front of that runtime)
and runs the same load straight at the runtime and through the gateway in
--rounds interleaved rounds, reporting the added time to first token and
inter-token gap (p50 and p99, median over rounds).
`

const benchExits = `  0    every stream completed (and carried the expected answer)
  1    a stream failed or differed from the expected answer, or bench could not start
  2    bad flags or arguments
  130  Ctrl-C (SIGINT) stopped the run; the report covers the streams so far
`

// labPrompt is the workshop lab's prompt, bench's default.
const labPrompt = "Tell me a story about two puppies and two kittens who became best friends:"

// benchAPIs are the --api choices; "invoke" and "converse" (as the other
// commands name them) mean the streaming operations.
var benchAPIs = []string{"invoke-stream", "converse-stream", "openai", "anthropic"}

// benchFlags are bench's command line.
type benchFlags struct {
	target, api, model, prompt, pace, expect string
	concurrency, requests, maxTokens, rounds int
	duration, stall                          time.Duration
	json, overhead                           bool
}

func (f *benchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.target, "target", "", "base `URL` of the server to drive (default: a local runtime started in-process)")
	fs.StringVar(&f.api, "api", "invoke-stream", "API to stream with: invoke-stream, converse-stream (Bedrock wire), openai (/v1/chat/completions) or anthropic (/v1/messages)")
	fs.IntVar(&f.concurrency, "concurrency", 8, "streams open at once")
	fs.IntVar(&f.requests, "requests", 100, "streams to run; 0 runs until --duration")
	fs.DurationVar(&f.duration, "duration", 0, "most time to run (0: until --requests are done)")
	fs.StringVar(&f.model, "model", defaultModel, "model ID every stream asks for")
	fs.StringVar(&f.prompt, "prompt", labPrompt, "prompt every stream sends")
	fs.IntVar(&f.maxTokens, "max-tokens", defaultMaxTokens, "most tokens per answer")
	fs.StringVar(&f.pace, "pace", "", "builtin model's pace, e.g. ttft=300ms,tps=40 (sent as X-Rockstream-Pace; default: a real model's)")
	fs.DurationVar(&f.stall, "stall", time.Second, "inter-token gap counted as a stall")
	fs.StringVar(&f.expect, "expect", "", "answer to check each stream against: builtin or none (default: builtin without --target, else none)")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	fs.BoolVar(&f.overhead, "overhead", false, "measure what a gateway adds over the runtime, in-process")
	fs.IntVar(&f.rounds, "rounds", 5, "--overhead: interleaved rounds")
}

// check validates what the flag package cannot, and fills defaults that
// depend on other flags.
func (f *benchFlags) check() error {
	switch f.api {
	case "invoke":
		f.api = "invoke-stream"
	case "converse":
		f.api = "converse-stream"
	}
	if !slices.Contains(benchAPIs, f.api) {
		return usageErrorf("--api must be invoke-stream, converse-stream, openai or anthropic, not %q", f.api)
	}
	switch {
	case f.concurrency <= 0:
		return usageErrorf("--concurrency must be positive, not %d", f.concurrency)
	case f.requests < 0:
		return usageErrorf("--requests must not be negative, not %d", f.requests)
	case f.duration < 0:
		return usageErrorf("--duration must not be negative, not %v", f.duration)
	case f.requests == 0 && f.duration == 0:
		return usageErrorf("--requests 0 needs a --duration: a run must end by itself")
	case f.model == "":
		return usageErrorf("--model must not be empty")
	case f.maxTokens <= 0:
		return usageErrorf("--max-tokens must be positive, not %d", f.maxTokens)
	case f.stall <= 0:
		return usageErrorf("--stall must be positive, not %v", f.stall)
	case f.rounds <= 0:
		return usageErrorf("--rounds must be positive, not %d", f.rounds)
	case f.target != "" && !isHTTPURL(f.target):
		return usageErrorf("--target must start with http:// or https://, not %q", f.target)
	case f.target != "" && f.overhead:
		return usageErrorf("--overhead starts its own runtime and gateway; it takes no --target")
	}
	if f.pace != "" {
		if _, err := builtin.ParsePace(f.pace, builtin.DefaultPace); err != nil {
			return usageErrorf("--pace: %v", err)
		}
	}
	if f.expect == "" {
		f.expect = "none"
		if f.target == "" {
			f.expect = "builtin"
		}
	}
	if f.expect != "builtin" && f.expect != "none" {
		return usageErrorf("--expect must be builtin or none, not %q", f.expect)
	}
	return nil
}

// benchTarget is what every stream sends; the URL is filled in later.
func (f *benchFlags) benchTarget() bench.Target {
	t := bench.Target{Model: f.model, Prompt: f.prompt, MaxTokens: f.maxTokens}
	if f.pace != "" {
		t.Header = http.Header{paceHeader: {f.pace}}
	}
	// One connection per open stream, kept between streams.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = f.concurrency
	t.Client = &http.Client{Transport: tr}
	return t
}

// options are the run's bounds, its expected answer and, on a terminal,
// a progress line.
func (c *cli) benchOptions(f benchFlags, t bench.Target) (bench.Options, error) {
	opts := bench.Options{Concurrency: f.concurrency, Requests: f.requests, Duration: f.duration, StallGap: f.stall}
	if f.expect == "builtin" {
		opts.Expected = builtin.Tokens(t.Request())
		if opts.Expected == nil {
			return opts, usageErrorf("the builtin model does not answer --model %s, so there is no answer to expect: use --expect none", f.model)
		}
	}
	if isTerminal(c.stderr) {
		total := "until " + f.duration.String()
		if f.requests > 0 {
			total = fmt.Sprintf("of %d", f.requests)
		}
		opts.Progress = func(done, failed, inFlight int) {
			fmt.Fprintf(c.stderr, "\r\x1b[Krockstream: %d %s done, %d failed, %d in flight", done, total, failed, inFlight)
		}
	}
	return opts, nil
}

// driver streams t over api.
func driver(ctx context.Context, api string, t bench.Target) (bench.Driver, error) {
	switch api {
	case "openai":
		return bench.OpenAI(t), nil
	case "anthropic":
		return bench.Anthropic(t), nil
	case "converse-stream":
		t.Client = nil // the bedrock client's own transport: h2c for http://
		return bench.Bedrock(ctx, t, bedrock.Converse)
	}
	t.Client = nil
	return bench.Bedrock(ctx, t, bedrock.Invoke)
}

// runBench drives a target and reports.
func runBench(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var f benchFlags
	f.register(fs)
	positional, code, done := c.parseFlags(fs, args, func() string { return commandHelp(fs, benchUsage, benchAbout, benchExits) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("bench", usageErrorf("bench takes no arguments, not %q", positional[0]))
	}
	if err := f.check(); err != nil {
		return c.usage("bench", err)
	}
	t := f.benchTarget()
	opts, err := c.benchOptions(f, t)
	if err != nil {
		return c.usage("bench", err)
	}
	if f.overhead {
		return c.benchOverhead(ctx, f, t, opts)
	}
	t.URL = f.target
	if t.URL == "" {
		rt, err := startBenchRuntime(ctx, f.pace)
		if err != nil {
			return c.fail("bench", err)
		}
		defer rt.close()
		fmt.Fprintf(c.stderr, "rockstream: no --target; benchmarking the local runtime started in-process at %s (builtin model).\n", rt.url)
		t.URL = rt.url
	}
	d, err := driver(ctx, f.api, t)
	if err != nil {
		return c.fail("bench", err)
	}
	causes := newCauseRecorder(d, ctx)
	r, err := bench.Run(ctx, causes, opts)
	c.endProgress(opts)
	if err != nil {
		return c.fail("bench", err)
	}
	causes.discountInterrupted(r)
	if f.json {
		writeJSON(c.stdout, r)
	} else {
		r.WriteText(c.stdout)
	}
	code = c.benchVerdict(ctx, r.Failed, r.Streams, r.Fidelity)
	causes.writeCauses(c.stderr)
	return code
}

// endProgress clears the progress line, if one was drawn, so the report
// starts on a clean line.
func (c *cli) endProgress(opts bench.Options) {
	if opts.Progress != nil {
		io.WriteString(c.stderr, "\r\x1b[K")
	}
}

// benchVerdict says on stderr why a run failed, and returns the exit code.
func (c *cli) benchVerdict(ctx context.Context, failed, streams int, fid *bench.Fidelity) int {
	code := exitOK
	if failed > 0 {
		fmt.Fprintf(c.stderr, "rockstream: %d of %d streams failed.\n", failed, streams)
		code = exitFailed
	}
	if fid != nil && fid.Exact < fid.Checked {
		fmt.Fprintf(c.stderr, "rockstream: fidelity %.2f%%: %d of %d completed streams differ from the expected answer.\n",
			fid.Percent(), fid.Checked-fid.Exact, fid.Checked)
		code = exitFailed
	}
	if ctx.Err() != nil {
		io.WriteString(c.stderr, "rockstream: interrupted; the report covers the streams run so far.\n")
		return exitInterrupted
	}
	return code
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
