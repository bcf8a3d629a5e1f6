package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/creack/pty"
)

// terminal is the command running with stdin and stdout (and stderr, unless
// captured apart) on a pseudo-terminal, as a person at a terminal runs it.
type terminal struct {
	t      *testing.T
	cmd    *exec.Cmd
	ptmx   *os.File
	mu     sync.Mutex
	screen bytes.Buffer // everything the terminal received
	errOut bytes.Buffer // stderr when captured apart
	grew   chan struct{}
	done   chan struct{} // closed when the terminal's output ends
}

// startTerminal starts in on a pseudo-terminal. With separateStderr,
// stderr goes to a pipe read into errOut instead of the terminal.
func startTerminal(t *testing.T, in invocation, separateStderr bool) *terminal {
	t.Helper()
	cmd := in.command(t)
	cmd.Stdin = nil
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, cmd: cmd, ptmx: ptmx, grew: make(chan struct{}, 1), done: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	if separateStderr {
		cmd.Stderr = &lockedWriter{mu: &term.mu, w: &term.errOut, grew: term.grew}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.screen.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.grew <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-term.done
		ptmx.Close()
	})
	return term
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.screen.String()
}

func (term *terminal) stderr() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.errOut.String()
}

// waitFor blocks until the terminal (or captured stderr) shows s after
// what it showed at offset from; it fails if the output ends first.
func (term *terminal) waitFor(s string) {
	term.t.Helper()
	term.waitUntil("the terminal to show "+s, func() bool {
		return strings.Contains(term.output(), s) || strings.Contains(term.stderr(), s)
	})
}

func (term *terminal) waitUntil(what string, cond func() bool) {
	term.t.Helper()
	for !cond() {
		select {
		case <-term.grew:
		case <-term.done:
			if !cond() {
				term.t.Fatalf("the terminal closed before %s:\n%q\nstderr:\n%s", what, term.output(), term.stderr())
			}
			return
		}
	}
}

// typeText writes s as keystrokes.
func (term *terminal) typeText(s string) {
	term.t.Helper()
	if _, err := io.WriteString(term.ptmx, s); err != nil {
		term.t.Fatal(err)
	}
}

// wait waits for the process and returns its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	err := term.cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		term.t.Fatal(err)
	}
	return term.cmd.ProcessState.ExitCode()
}
