package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// answersEnd is the builtin model's last words, once per answer.
const answersEnd = "another backend."

// savedConversations reads every conversation file under state.
func savedConversations(t *testing.T, state string) []conversation {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(state, "rockstream", "conversations", "*.json"))
	var out []conversation
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c conversation
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s is not readable JSON: %v\n%s", f, err, b)
		}
		out = append(out, c)
	}
	return out
}

func texts(c conversation) []string {
	var out []string
	for _, m := range c.Messages {
		if m.Role == "user" {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestChatREPLOnATerminal(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state, "TERM=xterm"}
	term := startTerminal(t, invocation{args: []string{"chat", fast}, env: env}, false)
	term.waitFor("/help lists commands")
	answers := func(n int) {
		t.Helper()
		term.waitUntil("answer "+string(rune('0'+n)), func() bool { return strings.Count(term.output(), answersEnd) >= n })
	}

	term.typeText("/help\r")
	term.waitFor("/system [text]")
	term.typeText("/nonsense\r")
	term.waitFor("unknown command /nonsense")
	// Editing: the cursor moves left and a letter goes in the middle.
	term.typeText("wrld\x1b[D\x1b[D\x1b[Do\r")
	answers(1)
	// A pasted block of lines is one message.
	term.typeText("\x1b[200~first line\nsecond line\nthird line\x1b[201~\r")
	answers(2)
	term.typeText("/save " + filepath.Join(state, "copy.json") + "\r")
	term.waitFor("saved 4 messages")
	term.typeText("/model meta.llama3-8b-instruct-v1:0\r")
	term.waitFor("now chatting with meta.llama3-8b-instruct-v1:0")
	// A trailing backslash continues the message.
	term.typeText("one \\\r")
	term.typeText("two\r")
	answers(3)
	term.typeText("\x04")
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d:\n%q", code, term.output())
	}
	if !strings.Contains(term.output(), "\x1b[1m> ") {
		t.Errorf("the prompt is not bold on a colour terminal:\n%q", term.output())
	}
	if strings.Contains(term.output(), "nonsense") && strings.Count(term.output(), answersEnd) != 3 {
		t.Errorf("a /command reached the model")
	}

	convs := savedConversations(t, state)
	if len(convs) != 1 {
		t.Fatalf("%d conversations saved, want 1", len(convs))
	}
	want := []string{"world", "first line\nsecond line\nthird line", "one \ntwo"}
	if got := texts(convs[0]); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("user messages = %q, want %q", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(state, "copy.json")); err != nil || !strings.Contains(string(b), `"first line\nsecond line\nthird line"`) {
		t.Errorf("/save wrote %s (%v)", b, err)
	}
	if _, err := os.Stat(filepath.Join(state, "rockstream", "history")); err != nil {
		t.Errorf("no history file: %v", err)
	}

	// rockstream -c continues it, with the history of the last run: Up
	// brings back the last message, which is sent again.
	term = startTerminal(t, invocation{args: []string{"-c", fast}, env: append(env, "NO_COLOR=1")}, false)
	term.waitFor("continuing ")
	term.waitFor("(6 messages)")
	term.typeText("\x1b[A\r")
	answers(1)
	term.typeText("\x04")
	if code := term.wait(); code != 0 {
		t.Fatalf("-c: exit %d:\n%q", code, term.output())
	}
	if strings.Contains(term.output(), "\x1b[1m") {
		t.Errorf("NO_COLOR is set but the prompt is bold:\n%q", term.output())
	}
	convs = savedConversations(t, state)
	if len(convs) != 1 || len(convs[0].Messages) != 8 || convs[0].Model != "meta.llama3-8b-instruct-v1:0" {
		t.Fatalf("after -c: %d conversations, %+v", len(convs), convs)
	}
	if got := texts(convs[0]); got[len(got)-1] != "one \ntwo" {
		t.Errorf("Up did not recall the last message from the history: %q", got)
	}
}

func TestChatWithoutATerminal(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	cmd := invocation{args: []string{"chat", fast}, env: []string{"XDG_STATE_HOME=" + state}}.command(t)
	cmd.Stdin = devNull
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if strings.Contains(string(out), "> ") || strings.Contains(string(out), "chatting with") {
		t.Errorf("chat < /dev/null printed a prompt:\n%q", out)
	}

	// Piped lines: /commands stay local, a trailing backslash joins lines.
	stdout, stderr, code := invocation{args: []string{"chat", fast}, env: []string{"XDG_STATE_HOME=" + state},
		stdin: "/help\nfirst \\\nsecond\n/clear\n//slash\n"}.run(t)
	if code != 0 || strings.Count(stdout, answersEnd) != 2 || !strings.Contains(stderr, "/system [text]") {
		t.Fatalf("exit %d, %d answers; stderr:\n%s", code, strings.Count(stdout, answersEnd), stderr)
	}
	convs := savedConversations(t, state)
	var got []string
	for _, c := range convs {
		got = append(got, texts(c)...)
	}
	if strings.Join(got, "|") != "first \nsecond|/slash" {
		t.Errorf("saved user messages = %q", got)
	}
}

func TestChatContinueWithNothingSaved(t *testing.T) {
	t.Parallel()
	_, stderr, code := invocation{args: []string{"chat", "--continue"}, env: []string{"XDG_STATE_HOME=" + t.TempDir()}}.run(t)
	if code != 1 || !strings.Contains(stderr, "no saved conversation") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestPasteReader(t *testing.T) {
	t.Parallel()
	p := &pasteReader{}
	got := string(p.convert([]byte("a\x1b[200~b\r\nc\nd\x1b[201~\re")))
	if want := "ab" + newlineMark + "c" + newlineMark + "d\re"; got != want {
		t.Errorf("convert = %q, want %q", got, want)
	}
}

func FuzzPasteReader(f *testing.F) {
	f.Add([]byte("x\x1b[200~a\nb\x1b[201~\r"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := &pasteReader{}
		out := p.convert(in)
		if strings.Contains(string(out), pasteStart) && !strings.Contains(string(in), pasteStart+pasteStart[:1]) {
			// A marker can only survive when it was nested in the input.
			if strings.Count(string(out), pasteStart) > strings.Count(string(in), pasteStart) {
				t.Fatalf("convert(%q) = %q made a marker", in, out)
			}
		}
	})
}
