package prompt

import (
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestTranscriptParse(t *testing.T) {
	tr := Transcript{User: "User", Assistant: "Bot"}
	for in, want := range map[string]struct {
		system string
		turns  []Turn
		ok     bool
	}{
		"User: hi\nBot:":                        {"", []Turn{{rockstream.RoleUser, "hi"}}, true},
		"sys\n\nUser: a\nBot: b\nUser: c\nBot:": {"sys", []Turn{{rockstream.RoleUser, "a"}, {rockstream.RoleAssistant, "b"}, {rockstream.RoleUser, "c"}}, true},
		"User: a\nBot: partial":                 {"", []Turn{{rockstream.RoleUser, "a"}, {rockstream.RoleAssistant, "partial"}}, true},
		"just a prompt":                         {"", nil, false},
	} {
		system, turns, ok := tr.Parse(in)
		if system != want.system || !reflect.DeepEqual(turns, want.turns) || ok != want.ok {
			t.Errorf("Parse(%q) = %q %v %v", in, system, turns, ok)
		}
		if ok && tr.Render(system, turns) != in {
			t.Errorf("Render(Parse(%q)) = %q", in, tr.Render(system, turns))
		}
	}
}

func TestBodyViolations(t *testing.T) {
	b, err := Parse([]byte(`{"a":"x","n":3,"f":0.5,"s":["x"],"o":{"k":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	b.Allow("a", "n", "f", "s", "o")
	b.Require("a")
	if s, ok := b.String("a"); !ok || s != "x" {
		t.Errorf("String = %q %v", s, ok)
	}
	if n := b.Int("n", 0, 5); n == nil || *n != 3 {
		t.Errorf("Int = %v", n)
	}
	if f := b.Float("f", 0, 1); f == nil || *f != 0.5 {
		t.Errorf("Float = %v", f)
	}
	if o := b.Object("o"); o == nil {
		t.Error("Object = nil")
	} else if v, ok := o.Bool("k"); !ok || !v {
		t.Errorf("Bool = %v %v", v, ok)
	}
	if err := b.Err(); err != nil {
		t.Errorf("Err = %v", err)
	}
	b.Int("f", 0, 1)
	if err := b.Err(); err == nil || err.(*rockstream.Error).Message != "Malformed input request: #/f: expected type: Integer, found: Number, please reformat your input and try again." {
		t.Errorf("Err = %v", err)
	}
}
