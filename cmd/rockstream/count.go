package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/rockstream/rockstream"
)

const countUsage = `rockstream count [flags] "prompt"
rockstream count [flags] < prompt.txt`

const countAbout = `Prints how many input tokens the prompt would be charged, system prompt
included, without running it: Bedrock's CountTokens with the request sent as
the model's InvokeModel body (with --api converse, as a Converse conversation).
The prompt comes from the arguments or stdin, as for streaming. Without AWS
credentials (or with --local) the local runtime's builtin model counts, by the
rule its streams report usage with.`

// runCount prints the input-token count of one prompt.
func runCount(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("count", flag.ContinueOnError)
	var rf requestFlags
	var cf connectFlags
	rf.register(fs)
	cf.register(fs, false)
	asJSON := fs.Bool("json", false, `print {"model": …, "inputTokens": N} instead of the bare number`)
	positional, code, done := c.parseFlags(fs, args, func() string { return helpText(fs, countUsage, countAbout) })
	if done {
		return code
	}
	for _, err := range []error{rf.check(), rf.fit(fs), cf.check()} {
		if err != nil {
			return c.usage("count", err)
		}
	}
	prompt, err := readPromptCtx(ctx, positional, c.stdin)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		return c.fail("count", err)
	}
	conn, err := c.connect(ctx, cf, rf.api, nil)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		return c.fail("count", err)
	}
	defer conn.close()
	req := rf.request([]rockstream.Message{rockstream.UserText(prompt)})
	callCtx, cancel := conn.bounded(ctx)
	defer cancel()
	n, err := conn.client.CountTokens(callCtx, req)
	err = conn.explain(callCtx, err)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		return c.fail("count", err)
	}
	if *asJSON {
		line, _ := json.Marshal(struct {
			Model       string `json:"model"`
			InputTokens int    `json:"inputTokens"`
		}{req.Model, n})
		fmt.Fprintf(c.stdout, "%s\n", line)
	} else {
		fmt.Fprintln(c.stdout, n)
	}
	return exitOK
}
