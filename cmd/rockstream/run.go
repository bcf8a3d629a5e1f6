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
)

// cli is one invocation's I/O and environment. stdinTTY, detected once,
// decides whether to prompt (chat) and to hint how to end a typed prompt.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	stdinTTY       bool
	// stderrTTY decides whether to show progress notes (a slow start).
	stderrTTY bool
	// stdoutTTY decides whether model text is filtered of terminal
	// control sequences.
	stdoutTTY bool
}

// command is a subcommand: rockstream <name> [flags] [args].
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, c *cli, args []string) int
	// ownsInterrupt marks a command that handles Ctrl-C itself (chat stops
	// only the answer in progress). For the others Ctrl-C cancels ctx.
	ownsInterrupt bool
}

// commands is the subcommand table; the first is the default.
func commands() []command {
	return []command{
		{name: "stream", summary: "stream the answer to a prompt (the default command)", run: runStream},
		{name: "chat", summary: "talk with a model in the terminal, each answer streamed", run: runChat, ownsInterrupt: true},
		{name: "models", summary: "list the models and inference profiles, marking which stream", run: runModels},
		{name: "count", summary: "count a prompt's input tokens without running it (CountTokens)", run: runCount},
		{name: "serve", summary: "run the local Bedrock Runtime and gateway (builtin, bedrock, openai or replay backend) until Ctrl-C", run: runServe},
		{name: "config", summary: "check serve's configuration file: config check FILE", run: runConfig},
		{name: "bench", summary: "measure time to first token, token gaps, throughput and fidelity under load", run: runBench},
		{name: "completion", summary: "print a shell completion script: completion bash|zsh|fish", run: runCompletion},
	}
}

// run is the whole program: it picks the subcommand from args and returns
// the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{
		stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv,
		stdinTTY: isTerminal(stdin), stderrTTY: isTerminal(stderr), stdoutTTY: isTerminal(stdout),
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		io.WriteString(stdout, versionLine())
		return exitOK
	}
	if name := suggestCommand(args); name != "" {
		fmt.Fprintf(stderr, "rockstream: unknown command %q; did you mean %q?\n"+
			"rockstream: to send it to the model as a prompt, run: rockstream -- %s\n", args[0], name, args[0])
		return exitUsage
	}
	cmd, rest := pickCommand(args)
	if !cmd.ownsInterrupt {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	return cmd.run(ctx, c, rest)
}

// pickCommand returns the subcommand args[0] names, or the default one with
// all of args. "help [command]" is that command's -h.
func pickCommand(args []string) (command, []string) {
	if len(args) > 0 && (args[0] == "-c" || args[0] == "--continue") {
		cmd, _ := pickCommand([]string{"chat"})
		return cmd, append([]string{"--continue"}, args[1:]...)
	}
	if len(args) > 0 && args[0] == "help" {
		cmd, _ := pickCommand(args[1:])
		return cmd, []string{"-h"}
	}
	if len(args) > 0 {
		for _, cmd := range commands() {
			if args[0] == cmd.name {
				return cmd, args[1:]
			}
		}
	}
	return commands()[0], args
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// parseFlags parses args into fs, allowing flags between arguments until
// "--", then fills unset flags from the environment. When done is true the
// command must return code: help was printed (0) or the command line was
// wrong (2).
func (c *cli) parseFlags(fs *flag.FlagSet, args []string, help func() string) (positional []string, code int, done bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(c.stdout, help())
			return nil, exitOK, true
		}
		if err != nil {
			return nil, c.usage(fs.Name(), err), true
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if len(rest) == 0 || (consumed > 0 && args[consumed-1] == "--") {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if err := applyEnv(fs, c.getenv); err != nil {
		return nil, c.usage(fs.Name(), err), true
	}
	return positional, 0, false
}

// usage reports a command-line mistake with a hint and returns exit code 2.
func (c *cli) usage(cmd string, err error) int {
	name := "rockstream"
	if cmd != "stream" {
		name += " " + cmd
	}
	fmt.Fprintf(c.stderr, "rockstream: %s\nRun '%s -h' for usage.\n", oneLine(err.Error()), name)
	return exitUsage
}

// fail reports err from a command and returns the exit code it calls for.
func (c *cli) fail(cmd string, err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return c.usage(cmd, err)
	}
	io.WriteString(c.stderr, describeError(err))
	return exitFailed
}

// answerExits are the exit codes of the commands that stream answers.
const answerExits = "" +
	"  0    the answer finished (or stopped at --max-tokens or a stop sequence)\n" +
	"  1    the request or the stream failed\n" +
	"  2    bad flags or arguments\n" +
	"  130  Ctrl-C (SIGINT) stopped an answer; what was printed is kept\n" +
	"  143  SIGTERM stopped it\n"

// helpText assembles -h output: usage lines, description, the flags with
// their environment variables, and the exit codes of a command that
// streams answers.
func helpText(fs *flag.FlagSet, usage, about string) string {
	return commandHelp(fs, usage, about, answerExits)
}

// commandHelp is helpText with the command's own exit codes.
func commandHelp(fs *flag.FlagSet, usage, about, exits string) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, u := range strings.Split(usage, "\n") {
		b.WriteString("  " + u + "\n")
	}
	b.WriteString("\n" + about + "\n\nFlags (each also set by the environment variable in brackets):\n")
	printFlags(&b, fs)
	b.WriteString("  -h, --help\n        show this help\n")
	b.WriteString("\nExit codes:\n" + exits)
	return b.String()
}

// commandList is the Commands section of the default command's help.
func commandList() string {
	var b strings.Builder
	b.WriteString("Commands:\n")
	for _, cmd := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", cmd.name, cmd.summary)
	}
	b.WriteString("\nrockstream --version prints the version and the commit it was built from.\n")
	return b.String()
}
