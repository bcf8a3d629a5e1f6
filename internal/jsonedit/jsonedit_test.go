package jsonedit

import (
	"encoding/json"
	"testing"
)

func TestEdit(t *testing.T) {
	cases := []struct {
		name, in string
		set      map[string]json.RawMessage
		keys     []string
		del      []string
		want     string
	}{
		{"replace keeps the rest byte for byte", `{"model":"a", "messages":[{"role":"user","content":"hi"}],"x":1.50}`,
			map[string]json.RawMessage{"model": json.RawMessage(`"b"`)}, nil, nil,
			`{"model":"b","messages":[{"role":"user","content":"hi"}],"x":1.50}`},
		{"delete first and last", `{"model":"a","max_tokens":5,"stream":true}`, nil, nil, []string{"model", "stream"},
			`{"max_tokens":5}`},
		{"add in order", `{"a":1}`, map[string]json.RawMessage{"b": json.RawMessage(`2`), "c": json.RawMessage(`[3]`)}, []string{"c", "b"}, nil,
			`{"a":1,"c":[3],"b":2}`},
		{"escaped key matches", `{"mod\u0065l":"a"}`, map[string]json.RawMessage{"model": json.RawMessage(`"b"`)}, nil, nil,
			`{"model":"b"}`},
		{"duplicate key keeps one", `{"model":"a","model":"c"}`, map[string]json.RawMessage{"model": json.RawMessage(`"b"`)}, nil, nil,
			`{"model":"b"}`},
		{"empty object", `{}`, map[string]json.RawMessage{"a": json.RawMessage(`1`)}, []string{"a"}, nil, `{"a":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Edit([]byte(tc.in), tc.set, tc.keys, tc.del...)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestEditRefusesWhatIsNotAnObject(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"a":1`, `{"a":1} {}`, `"x"`, `{"a":}`} {
		if _, err := Edit([]byte(in), nil, nil); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestGet(t *testing.T) {
	body := []byte(`{"a": {"b":[1, 2]} ,"c":"d"}`)
	if got := string(Get(body, "a")); got != `{"b":[1, 2]}` {
		t.Errorf("a = %s", got)
	}
	if got := string(Get(body, "c")); got != `"d"` {
		t.Errorf("c = %s", got)
	}
	if Get(body, "z") != nil {
		t.Error("missing key found")
	}
}

// FuzzEdit: an edit of a valid object is a valid object holding the set
// value and none of the deleted keys.
func FuzzEdit(f *testing.F) {
	for _, s := range []string{`{"model":"a","x":[1,{"y":null}]}`, `{}`, `{"stream":true,"model":"m"}`, `{"a":"\u00e9"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Edit([]byte(in), map[string]json.RawMessage{"model": json.RawMessage(`"z"`)}, []string{"model"}, "stream")
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%q edited to invalid JSON %q: %v", in, out, err)
		}
		if string(m["model"]) != `"z"` {
			t.Fatalf("%q: model = %s", in, m["model"])
		}
		if _, ok := m["stream"]; ok {
			t.Fatalf("%q: stream kept", in)
		}
	})
}
