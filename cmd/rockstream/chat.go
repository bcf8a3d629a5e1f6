package main

import (
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

const chatUsage = `rockstream chat [flags]
rockstream chat --continue [flags]
rockstream -c [flags]`

const chatAbout = `Holds a conversation in the terminal: each message you type is a turn, each
answer streams to stdout and the whole conversation is sent with every turn.

At a terminal the line editor has history (Up/Down, kept across runs), and a
pasted block of lines is one message; end a line with \ to go on to the next.
Commands: /help, /clear (start over), /save [file], /model [id], /system [text],
/exit. Ctrl-D or /exit leaves; Ctrl-C stops the answer in progress (the part
already printed stays in the conversation) and Ctrl-C at an empty prompt leaves.

Every conversation is saved as readable JSON in $XDG_STATE_HOME/rockstream/
conversations (default ~/.local/state/rockstream); --continue (or rockstream -c)
picks up the latest one.`

// chatSession is one chat: the flags it runs with, where it reads, and
// the conversation so far.
type chatSession struct {
	c     *cli
	rf    *requestFlags
	fs    *flag.FlagSet
	stats bool
	conn  *connection
	in    lineInput
	conv  *conversation
	state string
}

// runChat is a multi-turn conversation.
func runChat(ctx context.Context, c *cli, args []string) int {
	// Ctrl-C is ours: it stops the answer in progress, not the session.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	defer signal.Stop(interrupts)

	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var rf requestFlags
	var cf connectFlags
	var stats, cont bool
	rf.register(fs)
	cf.register(fs, true)
	fs.BoolVar(&stats, "stats", false, "print time to first token, tokens/s, tokens, latency and request ID on stderr after each answer")
	fs.BoolVar(&cont, "continue", false, "continue the latest saved conversation")
	positional, code, done := c.parseFlags(fs, args, func() string { return helpText(fs, chatUsage, chatAbout) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("chat", usageErrorf("chat takes no arguments; type your messages at the prompt"))
	}
	state, stateErr := stateDir(c.getenv)
	var conv *conversation
	if cont {
		if stateErr != nil {
			return c.fail("chat", stateErr)
		}
		var err error
		if conv, err = latestConversation(state); err != nil {
			return c.fail("chat", err)
		}
		// The conversation's model and system prompt, unless given again.
		if !isSet(fs, "model") && conv.Model != "" {
			rf.model = conv.Model
		}
		if !isSet(fs, "system") {
			rf.system = conv.System
		}
	}
	for _, err := range []error{rf.check(), rf.fit(fs), cf.check()} {
		if err != nil {
			return c.usage("chat", err)
		}
	}
	if conv == nil {
		conv = newConversation(state, rf.model, rf.system, time.Now())
	}
	conn, err := c.connect(ctx, cf, rf.api, nil)
	if err != nil {
		return c.fail("chat", err)
	}
	defer conn.close()

	s := &chatSession{c: c, rf: &rf, fs: fs, stats: stats, conn: conn, conv: conv, state: state}
	if f, ok := c.stdin.(*os.File); ok && c.stdinTTY {
		ti, err := newTerminalInput(ctx, f, c.stdout, c.stderr, state)
		if err != nil {
			return c.fail("chat", err)
		}
		s.in = ti
	} else {
		s.in = newPipedInput(ctx, c.stdin, interrupts)
	}
	defer s.in.close()
	if c.stdinTTY {
		fmt.Fprintf(c.stderr, "rockstream: chatting with %s. /help lists commands; /exit or Ctrl-D leaves; Ctrl-C stops an answer.\n", rf.model)
		if cont {
			fmt.Fprintf(c.stderr, "rockstream: continuing %s (%d messages).\n", conv.path, len(conv.history))
		}
	}
	return s.loop(ctx, interrupts)
}

// loop reads messages and answers them until the input ends.
func (s *chatSession) loop(ctx context.Context, interrupts <-chan os.Signal) int {
	for {
		msg, err := s.readMessage()
		switch {
		case errors.Is(err, io.EOF):
			if s.c.stdinTTY {
				io.WriteString(s.c.stderr, "\n")
			}
			return exitOK
		case errors.Is(err, errInterrupted):
			io.WriteString(s.c.stderr, "\n")
			return exitInterrupted
		case ctx.Err() != nil:
			return exitInterrupted
		case err != nil:
			return s.c.fail("chat", err)
		}
		if strings.TrimSpace(msg) == "" {
			continue
		}
		s.in.remember(msg)
		if rest, ok := strings.CutPrefix(msg, "//"); ok {
			msg = "/" + rest // a message that starts with a slash
		} else if strings.HasPrefix(msg, "/") && !strings.Contains(msg, "\n") {
			if leave := s.command(msg); leave {
				return exitOK
			}
			continue
		}
		s.turn(ctx, msg, interrupts)
		if ctx.Err() != nil {
			return exitInterrupted
		}
	}
}

// readMessage reads one message: a line, or several joined by a trailing
// backslash.
func (s *chatSession) readMessage() (string, error) {
	prompt := s.prompt("> ")
	var parts []string
	for {
		line, err := s.in.readLine(prompt)
		if err != nil {
			if errors.Is(err, io.EOF) && len(parts) > 0 {
				return strings.Join(parts, "\n"), nil
			}
			return "", err
		}
		if more, ok := strings.CutSuffix(line, `\`); ok {
			parts = append(parts, more)
			prompt = s.prompt(". ")
			continue
		}
		parts = append(parts, line)
		return strings.Join(parts, "\n"), nil
	}
}

// prompt is p, bold unless NO_COLOR is set or the terminal is dumb.
func (s *chatSession) prompt(p string) string {
	if s.c.getenv("NO_COLOR") != "" || s.c.getenv("TERM") == "dumb" {
		return p
	}
	return "\x1b[1m" + p + "\x1b[0m"
}

// turn sends msg with the conversation so far and keeps the answer.
func (s *chatSession) turn(ctx context.Context, msg string, interrupts <-chan os.Signal) {
	history := append(s.conv.history, rockstream.UserText(msg))
	a := s.c.chatTurn(ctx, s.conn, s.rf.request(history), interrupts)
	io.WriteString(s.c.stderr, describeOutcome(a.outcome, a.deltas > 0))
	if s.stats {
		io.WriteString(s.c.stderr, formatStats(a.outcome, a.countedUsage))
	}
	s.conv.set(remember(history, a), time.Now())
	s.conv.Model, s.conv.System = s.rf.model, s.rf.system
	if s.state != "" && len(s.conv.history) > 0 {
		if _, err := s.conv.save(""); err != nil {
			fmt.Fprintf(s.c.stderr, "rockstream: could not save the conversation: %v\n", err)
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
