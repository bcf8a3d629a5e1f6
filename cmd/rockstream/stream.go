package main

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/rockstream/rockstream"
)

const streamUsage = `rockstream [flags] "prompt"
rockstream [flags] < prompt.txt
rockstream <command> [flags] [args]`

const streamAbout = `Streams the model's answer to stdout as it is generated, token by token.
The prompt comes from the arguments, or from stdin when there are none or the
argument is "-". Only the model's text goes to stdout; notes, errors and --stats
go to stderr.

Without AWS credentials (the variables AWS_ACCESS_KEY_ID, AWS_BEARER_TOKEN_BEDROCK,
AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_*, or a profile
with credentials in ~/.aws/config or ~/.aws/credentials), or with --local,
rockstream starts its local Bedrock Runtime in-process and answers from its
builtin model, saying so on stderr. With --endpoint-url it calls that endpoint
(signing with placeholder credentials if there are none).`

// runStream is the default command: one prompt, one streamed answer.
func runStream(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	var rf requestFlags
	var cf connectFlags
	var of outputFlags
	rf.register(fs)
	cf.register(fs, true)
	of.register(fs)
	help := func() string { return helpText(fs, streamUsage, streamAbout) + "\n" + commandList() }
	positional, code, done := c.parseFlags(fs, args, help)
	if done {
		return code
	}
	for _, err := range []error{rf.check(), rf.fit(fs), cf.check(), of.check(rf.api)} {
		if err != nil {
			return c.usage("stream", err)
		}
	}
	if len(positional) == 0 && c.stdinTTY {
		io.WriteString(c.stderr, "rockstream: reading the prompt from the terminal; end it with Ctrl-D.\n")
	}
	prompt, err := readPromptCtx(ctx, positional, c.stdin)
	if err != nil {
		if ctx.Err() != nil {
			io.WriteString(c.stderr, "\nrockstream: interrupted.\n")
			return exitInterrupted
		}
		return c.fail("stream", err)
	}

	var p printer = newTextPrinter(c.stdout, c.stdoutTTY)
	var onChunk func([]byte)
	switch {
	case of.json:
		p = newJSONPrinter(c.stdout)
	case of.raw:
		rp := &rawPrinter{w: c.stdout}
		p, onChunk = rp, rp.chunk
	}

	conn, err := c.connect(ctx, cf, rf.api, onChunk)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		return c.fail("stream", err)
	}
	defer conn.close()

	req := rf.request([]rockstream.Message{rockstream.UserText(prompt)})
	a := consume(ctx, conn.stream(ctx, c, req), p, time.Now(), time.Now)
	return c.report(a, of.stats)
}

// report tells stderr how an answer ended (and its --stats) and returns
// the exit code.
func (c *cli) report(a *answer, stats bool) int {
	io.WriteString(c.stderr, describeOutcome(a.outcome, a.deltas > 0))
	if stats {
		io.WriteString(c.stderr, formatStats(a.outcome, a.countedUsage))
	}
	return exitCode(a.outcome.Kind)
}
