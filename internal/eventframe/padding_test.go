package eventframe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPadding(t *testing.T) {
	for range 200 {
		if p := Padding(); p == "" || !strings.HasPrefix(padAlphabet, p) {
			t.Fatalf("Padding() = %q, want a non-empty prefix of %q", p, padAlphabet)
		}
	}
}

func TestPadObject(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"contentBlockIndex":0}`, `{"contentBlockIndex":0,"p":"abc"}`},
		{`{}`, `{"p":"abc"}`},
		{`{ }`, `{ "p":"abc"}`},
	}
	for _, tt := range tests {
		in := []byte(tt.in)
		got := PadObject(in, "abc")
		if string(got) != tt.want {
			t.Errorf("PadObject(%s) = %s, want %s", tt.in, got, tt.want)
		}
		if string(in) != tt.in {
			t.Errorf("PadObject changed its input to %s", in)
		}
		var m map[string]any
		if err := json.Unmarshal(got, &m); err != nil || m["p"] != "abc" {
			t.Errorf("%s: %v, p = %v", got, err, m["p"])
		}
	}
	for _, in := range []string{`[1]`, `"s"`, ``, `{`} {
		if got := PadObject([]byte(in), "abc"); string(got) != in {
			t.Errorf("non-object %q changed to %q", in, got)
		}
	}
	if got := PadObject([]byte(`{"a":1}`), ""); string(got) != `{"a":1}` {
		t.Errorf("empty pad changed the object to %s", got)
	}
}
