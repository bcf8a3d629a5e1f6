package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
)

// errInterrupted is Ctrl-C at the prompt.
var errInterrupted = errors.New("interrupted at the prompt")

// newlineMark stands for a line break inside one message while it is
// edited (a paste) or kept in the history file, which is one entry a line.
const newlineMark = "↵"

// lineInput is where chat reads what the user types.
type lineInput interface {
	// readLine returns one line without its newline; io.EOF at the end,
	// errInterrupted for Ctrl-C at the prompt.
	readLine(prompt string) (string, error)
	// remember adds a whole message to the history.
	remember(message string)
	close()
}

// terminalInput edits lines with readline: cursor keys, history (kept in
// the state directory across runs) and bracketed paste, which turns a
// pasted block of lines into one message.
type terminalInput struct {
	ctx   context.Context // its end (SIGTERM) ends a wait at the prompt
	rl    *readline.Instance
	stdin *readline.CancelableStdin
	paste *pasteReader
	out   io.Writer
}

func newTerminalInput(ctx context.Context, stdin *os.File, stdout, stderr io.Writer, state string) (*terminalInput, error) {
	historyFile := ""
	if state != "" {
		if err := os.MkdirAll(state, 0o700); err == nil {
			historyFile = filepath.Join(state, "history")
		}
	}
	paste := &pasteReader{r: stdin, terminal: true}
	// Cancelable, so closing the editor ends a read blocked on the
	// terminal instead of waiting for the next key. The editor wraps
	// it in a reader whose Close does not reach it; shut closes it.
	cancelable := readline.NewCancelableStdin(paste)
	rl, err := readline.NewEx(&readline.Config{
		HistoryFile:            historyFile,
		DisableAutoSaveHistory: true,
		HistoryLimit:           1000,
		Stdin:                  cancelable,
		Stdout:                 stderr, // the prompt and the echo are not the model's text
		Stderr:                 stderr,
		FuncIsTerminal:         func() bool { return true },
		FuncGetWidth:           func() int { return readline.GetScreenWidth() },
	})
	if err != nil {
		return nil, err
	}
	// Ask the terminal to mark pastes.
	io.WriteString(stderr, "\x1b[?2004h")
	return &terminalInput{ctx: ctx, rl: rl, stdin: cancelable, paste: paste, out: stderr}, nil
}

func (t *terminalInput) readLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	// Closing the editor interrupts the read and gives the terminal its
	// line mode back; the process is ending, so the editor is not reused.
	stop := context.AfterFunc(t.ctx, t.shut)
	line, err := t.rl.Readline()
	if !stop() {
		return "", t.ctx.Err()
	}
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		if line != "" {
			return "", nil // Ctrl-C clears a line being typed
		}
		return "", errInterrupted
	case err != nil:
		return "", err
	}
	return strings.ReplaceAll(line, newlineMark, "\n"), nil
}

func (t *terminalInput) remember(message string) {
	_ = t.rl.SaveHistory(strings.ReplaceAll(message, "\n", newlineMark))
}

// close turns bracketed paste off and closes the line editor, which gives
// the terminal back its line mode. The history is already written, each
// entry as it was added.
func (t *terminalInput) close() {
	io.WriteString(t.out, "\x1b[?2004l")
	t.shut()
}

// shut ends the editor's read of the terminal, then the editor.
func (t *terminalInput) shut() {
	_ = t.stdin.Close()
	_ = t.rl.Close()
}

// pasteReader strips the terminal's bracketed-paste markers and, inside a
// paste, turns line breaks into newlineMark, so the pasted lines stay one
// message in the editor.
type pasteReader struct {
	r       io.Reader
	pasting bool
	pending []byte // bytes read but not yet returned
	// terminal makes an end of input a Ctrl-D keystroke: Ctrl-D pressed
	// while an answer streams reaches a terminal in line mode as a zero
	// read, and the line editor would stop reading for good.
	terminal bool
}

const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

func (p *pasteReader) Read(b []byte) (int, error) {
	for len(p.pending) == 0 {
		buf := make([]byte, 4096)
		n, err := p.r.Read(buf)
		p.pending = p.convert(buf[:n])
		if errors.Is(err, io.EOF) && p.terminal && n == 0 {
			p.pending, err = []byte{0x04}, nil
		}
		if err != nil && len(p.pending) == 0 {
			return 0, err
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

// convert rewrites one read. A marker split across reads is not
// recognised; terminals write each paste marker in one piece.
func (p *pasteReader) convert(in []byte) []byte {
	var out []byte
	for len(in) > 0 {
		switch {
		case strings.HasPrefix(string(in), pasteStart):
			p.pasting, in = true, in[len(pasteStart):]
		case strings.HasPrefix(string(in), pasteEnd):
			p.pasting, in = false, in[len(pasteEnd):]
		case p.pasting && (in[0] == '\r' || in[0] == '\n'):
			if in[0] == '\r' && len(in) > 1 && in[1] == '\n' {
				in = in[1:]
			}
			out = append(out, newlineMark...)
			in = in[1:]
		default:
			out = append(out, in[0])
			in = in[1:]
		}
	}
	return out
}

// pipedInput reads lines from a file or pipe: no prompt, no editing.
type pipedInput struct {
	lines      <-chan string
	readErr    func() error
	ctx        context.Context
	interrupts <-chan os.Signal
}

func newPipedInput(ctx context.Context, r io.Reader, interrupts <-chan os.Signal) *pipedInput {
	lines, readErr := readLines(ctx, r)
	return &pipedInput{lines: lines, readErr: readErr, ctx: ctx, interrupts: interrupts}
}

func (p *pipedInput) readLine(string) (string, error) {
	select {
	case <-p.ctx.Done():
		return "", p.ctx.Err()
	case <-p.interrupts:
		return "", errInterrupted
	case l, ok := <-p.lines:
		if !ok {
			if err := p.readErr(); err != nil {
				return "", err
			}
			return "", io.EOF
		}
		return strings.TrimRight(l, "\r\n"), nil
	}
}

func (p *pipedInput) remember(string) {}
func (p *pipedInput) close()          {}

// readLines delivers r line by line until EOF or ctx ends. The error,
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
