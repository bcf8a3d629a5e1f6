package main

import (
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestChatSIGTERMAtThePrompt: a chat waiting at its prompt ends on SIGTERM
// at once, without a key pressed, with exit 143 and the terminal back in
// line mode with echo, as the line editor found it.
func TestChatSIGTERMAtThePrompt(t *testing.T) {
	t.Parallel()
	tm := startTerminal(t, invocation{args: []string{"chat", fast}, env: []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm"}}, false)
	tm.waitFor("/help lists commands")
	tm.waitFor("> ")
	if err := tm.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan int, 1)
	go func() { exited <- tm.wait() }()
	select {
	case code := <-exited:
		if code != exitTerminated {
			t.Errorf("exit %d after SIGTERM, want %d", code, exitTerminated)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("chat still waits at its prompt 10s after SIGTERM:\n%q", tm.output())
	}
	// A new terminal is in line mode with echo, as a shell expects it.
	mode, err := unix.IoctlGetTermios(int(tm.ptmx.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if cooked := uint32(unix.ICANON | unix.ECHO); mode.Lflag&cooked != cooked {
		t.Errorf("chat left the terminal raw: lflag %#x", mode.Lflag)
	}
}
