package main

import (
	"bytes"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := invocation{args: []string{"--version"}}.run(t)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "rockstream ") || !strings.Contains(stdout, " go1.") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("--version printed %q, want one line with the version and Go's", stdout)
	}
}

func TestFormatVersion(t *testing.T) {
	t.Parallel()
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.modified", Value: "true"},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
	}}
	if got, want := formatVersion(info), "rockstream v1.2.3 commit 0123456789ab (modified) 2026-01-02T03:04:05Z go1.26.8\n"; got != want {
		t.Errorf("formatVersion = %q, want %q", got, want)
	}
	if got, want := formatVersion(&debug.BuildInfo{GoVersion: "go1.26.8"}), "rockstream (devel) go1.26.8\n"; got != want {
		t.Errorf("formatVersion without VCS = %q, want %q", got, want)
	}
}

func TestSubcommandTypoIsNotSentToTheModel(t *testing.T) {
	t.Parallel()
	for typo, want := range map[string]string{"modles": "models", "strem": "stream", "sevre": "serve", "chta": "chat", "complection": "completion"} {
		stdout, stderr, code := invocation{args: []string{typo}}.run(t)
		if code != 2 || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q; want 2 and nothing", typo, code, stdout)
		}
		if !strings.Contains(stderr, `did you mean "`+want+`"?`) || strings.Contains(stderr, "local runtime") {
			t.Errorf("%s: stderr does not suggest %s before any call:\n%s", typo, want, stderr)
		}
	}
	// A one-word prompt that is not near a command, or one forced with --,
	// still goes to the model.
	for _, args := range [][]string{{fast, "what"}, {fast, "hello"}, {fast, "--", "modles"}} {
		stdout, stderr, code := invocation{args: args}.run(t)
		if code != 0 || stdout == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s", args, code, stdout, stderr)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{{"models", "models", 0}, {"modles", "models", 1}, {"mdels", "models", 1}, {"hello", "help", 2}, {"", "abc", 3}, {"what", "chat", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDevNullIsNotATerminal(t *testing.T) {
	t.Parallel()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	cmd := invocation{args: []string{fast}}.command(t)
	cmd.Stdin = devNull
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if _, ok := err.(*exec.ExitError); !ok || cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("run: %v, stderr:\n%s", err, errOut.String())
	}
	if strings.Contains(errOut.String(), "reading the prompt from the terminal") {
		t.Errorf("stdin from /dev/null was taken for a terminal:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), "no prompt") {
		t.Errorf("stderr lacks the no-prompt error:\n%s", errOut.String())
	}
}

func TestPromptTypedAtTheTerminal(t *testing.T) {
	t.Parallel()
	term := startTerminal(t, invocation{args: []string{fast}}, true)
	term.waitFor("reading the prompt from the terminal")
	term.typeText("hello\n\x04")
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d:\n%s\nstderr:\n%s", code, term.output(), term.stderr())
	}
	<-term.done
	if !strings.Contains(term.output(), "You asked about hello") {
		t.Errorf("the answer did not reach the terminal:\n%q", term.output())
	}
}

func TestConnectionRefusedIsNotTemporary(t *testing.T) {
	t.Parallel()
	_, stderr, code := invocation{args: []string{"--endpoint-url", "http://127.0.0.1:1", "hi"}}.run(t)
	if code != 1 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "temporary") || !strings.Contains(stderr, "nothing is listening") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		stdout, stderr, code := invocation{args: []string{"completion", shell}}.run(t)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d, stderr:\n%s", shell, code, stderr)
		}
		for _, want := range []string{"models", "max-tokens", "backend", "concurrency", "completion"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s script lacks %s", shell, want)
			}
		}
		if sh, err := exec.LookPath(shell); err == nil {
			if out, err := exec.Command(sh, "-n", "-c", stdout).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		}
	}
	if _, _, code := (invocation{args: []string{"completion", "tcsh"}}).run(t); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
	script, _, _ := invocation{args: []string{"completion", "bash"}}.run(t)
	complete := func(words ...string) string {
		t.Helper()
		prog := script + "\nCOMP_WORDS=(" + strings.Join(words, " ") + ")\nCOMP_CWORD=" +
			strconv.Itoa(len(words)-1) + "\n_rockstream\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command("bash", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("rockstream", "mod"); got != "models" {
		t.Errorf("rockstream mod<TAB> = %q, want models", got)
	}
	if got := complete("rockstream", "serve", "--back"); got != "--backend" {
		t.Errorf("rockstream serve --back<TAB> = %q, want --backend", got)
	}
	if got := complete("rockstream", "--max"); got != "--max-tokens" {
		t.Errorf("rockstream --max<TAB> = %q, want --max-tokens", got)
	}
	if got := complete("rockstream", "completion", "z"); got != "zsh" {
		t.Errorf("rockstream completion z<TAB> = %q, want zsh", got)
	}
}
