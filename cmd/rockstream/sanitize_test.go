package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestControlFilter(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain", "Hello, world.\n\tIndented — ünïcode", "Hello, world.\n\tIndented — ünïcode"},
		{"colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"OSC title with BEL", "\x1b]0;pwned\x07after", "after"},
		{"OSC title with ST", "\x1b]2;pwned\x1b\\after", "after"},
		{"hyperlink", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"DCS", "\x1bPq#0;2;0;0;0\x1b\\ok", "ok"},
		{"two-byte escape", "a\x1bcb", "ab"},
		{"C0 controls", "a\rb\x08c\x07d\x00e", "abcde"},
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"DEL", "a\x7fb", "ab"},
	}
	for _, tt := range tests {
		var f controlFilter
		if got := f.filter(tt.in); got != tt.want {
			t.Errorf("%s: filter(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	// A sequence split across deltas is still removed.
	var f controlFilter
	got := f.filter("red: \x1b[3") + f.filter("1mRED\x1b") + f.filter("]0;title") + f.filter("\x07 done")
	if got != "red: RED done" {
		t.Errorf("split sequences: %q", got)
	}
}

func FuzzControlFilter(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]0;t\x07x", "a\u009bb", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var cf controlFilter
		out := cf.filter(s)
		if strings.ContainsRune(out, 0x1b) || strings.ContainsRune(out, 0x9b) || strings.ContainsRune(out, 0x7f) {
			t.Fatalf("filter(%q) = %q keeps a control", s, out)
		}
		for _, r := range out {
			if r < 0x20 && r != '\n' && r != '\t' {
				t.Fatalf("filter(%q) = %q keeps %U", s, out, r)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("filter broke UTF-8: %q", out)
		}
	})
}

// escapingScript makes the builtin model answer with colour, a window
// title and a cursor move.
const escapingScript = `{"answers":[{"model":".*","text":"plain \u001b[31mred\u001b[0m \u001b]0;pwned\u0007title \u001b[2Jclear"}]}`

func TestControlSequencesNeutralisedOnATerminal(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, nil, fast, "--script", writeFile(t, "script.json", escapingScript))
	term := startTerminal(t, invocation{args: []string{"--endpoint-url", url, "hi"}}, true)
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, term.stderr())
	}
	<-term.done
	if out := term.output(); strings.ContainsRune(out, 0x1b) || !strings.Contains(out, "plain red title clear") {
		t.Errorf("the terminal received %q", out)
	}
	// Piped, --raw and --json keep the model's bytes.
	stdout, _, _ := invocation{args: []string{"--endpoint-url", url, "hi"}}.run(t)
	if !strings.Contains(stdout, "\x1b[31mred") {
		t.Errorf("piped stdout lost the model's bytes: %q", stdout)
	}
	for _, flag := range []string{"--raw", "--json"} {
		term := startTerminal(t, invocation{args: []string{"--endpoint-url", url, flag, "hi"}}, true)
		term.wait()
		<-term.done
		if out := term.output(); !strings.Contains(out, `\u001b[31mred`) {
			t.Errorf("%s on a terminal changed the JSON: %q", flag, out)
		}
	}
}
