package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/rockstream/rockstream"
)

const chatUsage = `rockstream chat [flags]`

const chatAbout = `Holds a conversation in the terminal: each line you type is a turn, each
answer streams to stdout and the whole conversation is sent with every turn.
/exit or Ctrl-D leaves; Ctrl-C stops the answer in progress (the part already
printed stays in the conversation) and Ctrl-C at the prompt leaves.`

// runChat is a multi-turn conversation read line by line from stdin.
func runChat(ctx context.Context, c *cli, args []string) int {
	// Ctrl-C is ours: it stops the answer in progress, not the session.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	defer signal.Stop(interrupts)

	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var rf requestFlags
	var cf connectFlags
	var stats bool
	rf.register(fs)
	cf.register(fs, true)
	fs.BoolVar(&stats, "stats", false, "print time to first token, tokens/s, tokens, latency and request ID on stderr after each answer")
	positional, code, done := c.parseFlags(fs, args, func() string { return helpText(fs, chatUsage, chatAbout) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("chat", usageErrorf("chat takes no arguments; type your messages at the prompt"))
	}
	for _, err := range []error{rf.check(), rf.fit(fs), cf.check()} {
		if err != nil {
			return c.usage("chat", err)
		}
	}
	conn, err := c.connect(ctx, cf, rf.api, nil)
	if err != nil {
		return c.fail("chat", err)
	}
	defer conn.close()

	if c.stdinTTY {
		fmt.Fprintf(c.stderr, "rockstream: chatting with %s. /exit or Ctrl-D leaves; Ctrl-C stops an answer.\n", rf.model)
	}
	lines, readErr := readLines(ctx, c.stdin)
	var history []rockstream.Message
	for {
		if c.stdinTTY {
			io.WriteString(c.stderr, "> ")
		}
		var line string
		select {
		case <-ctx.Done():
			return exitInterrupted
		case <-interrupts:
			io.WriteString(c.stderr, "\n")
			return exitInterrupted
		case l, ok := <-lines:
			if !ok {
				if c.stdinTTY {
					io.WriteString(c.stderr, "\n")
				}
				if err := readErr(); err != nil {
					return c.fail("chat", err)
				}
				return exitOK
			}
			line = strings.TrimSpace(l)
		}
		switch line {
		case "":
			continue
		case "/exit", "/quit":
			return exitOK
		}
		history = append(history, rockstream.UserText(line))
		a := c.chatTurn(ctx, conn, rf.request(history), interrupts)
		io.WriteString(c.stderr, describeOutcome(a.outcome, a.deltas > 0))
		if stats {
			io.WriteString(c.stderr, formatStats(a.outcome, a.countedUsage))
		}
		history = remember(history, a)
		if ctx.Err() != nil {
			return exitInterrupted
		}
	}
}

// chatTurn streams one answer; an interrupt cancels only this answer.
func (c *cli) chatTurn(ctx context.Context, conn *connection, req *rockstream.Request, interrupts <-chan os.Signal) *answer {
	turn, cancel := context.WithCancel(ctx)
	defer cancel()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-interrupts:
			cancel()
		case <-finished:
		}
	}()
	return consume(turn, conn.stream(turn, c, req), newTextPrinter(c.stdout, c.stdoutTTY), time.Now(), time.Now)
}

// remember updates the conversation after an answer: a finished answer is
// kept whole; a stopped one keeps its text so far; a failed one (or one
// stopped before any text) takes back the question, so the conversation
// still alternates between user and assistant.
func remember(history []rockstream.Message, a *answer) []rockstream.Message {
	switch a.outcome.Kind {
	case rockstream.Complete, rockstream.Truncated:
		return append(history, a.acc.Message())
	case rockstream.Cancelled:
		if text := strings.TrimSpace(a.acc.Text()); text != "" {
			return append(history, rockstream.Message{
				Role:    rockstream.RoleAssistant,
				Content: []rockstream.Block{{Type: rockstream.BlockText, Text: text}},
			})
		}
	}
	return history[:len(history)-1]
}

// readLines delivers stdin line by line until EOF or ctx ends. The error,
// other than EOF, is available once the channel is closed.
func readLines(ctx context.Context, r io.Reader) (<-chan string, func() error) {
	lines := make(chan string)
	var err error
	go func() {
		defer close(lines)
		br := bufio.NewReader(r)
		for {
			line, rerr := br.ReadString('\n')
			if line != "" {
				select {
				case lines <- line:
				case <-ctx.Done():
					return
				}
			}
			if rerr != nil {
				if !errors.Is(rerr, io.EOF) {
					err = rerr
				}
				return
			}
		}
	}()
	return lines, func() error { return err }
}
