package eventframe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestAppendChunkPayload(t *testing.T) {
	inner := []byte(`{"type":"message_stop"}`)
	got := AppendChunkPayload([]byte("x"), inner, "abc")
	if want := `x{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=","p":"abc"}`; string(got) != want {
		t.Errorf("payload %s, want %s", got, want)
	}
	if got := AppendChunkPayload(nil, inner, ""); string(got) != `{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0="}` {
		t.Errorf("payload without padding %s", got)
	}
	var p struct {
		Bytes []byte `json:"bytes"`
		P     string `json:"p"`
	}
	pad := Padding()
	if err := json.Unmarshal(AppendChunkPayload(nil, inner, pad), &p); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Bytes, inner) || p.P != pad {
		t.Errorf("decoded bytes %q, p %q (padded with %q)", p.Bytes, p.P, pad)
	}
}

func TestChunkBytesFallsBackToJSON(t *testing.T) {
	enc := base64.StdEncoding.EncodeToString([]byte(`{"a":1}`))
	cases := map[string]string{
		"spaced":    `{ "bytes" : "` + enc + `" }`,
		"p first":   `{"p":"\"bytes\":\"AAAA\"","bytes":"` + enc + `"}`,
		"escaped /": `{"bytes":"` + strings.ReplaceAll(enc, "/", `\/`) + `"}`,
	}
	for name, payload := range cases {
		got, err := ChunkBytes(nil, []byte(payload))
		if err != nil || string(got) != `{"a":1}` {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := ChunkBytes(nil, []byte(`{"p":"x"}`)); !errors.Is(err, ErrNoBytes) {
		t.Errorf("missing bytes: %v", err)
	}
	// Member names are exact and the last of a repeated key wins, as the
	// SDK reads them.
	if _, err := ChunkBytes(nil, []byte(`{"Bytes":"`+enc+`"}`)); !errors.Is(err, ErrNoBytes) {
		t.Errorf(`"Bytes" was taken for "bytes": %v`, err)
	}
	other := base64.StdEncoding.EncodeToString([]byte(`{"b":2}`))
	if got, err := ChunkBytes(nil, []byte(`{"bytes":"`+enc+`","bytes":"`+other+`"}`)); err != nil || string(got) != `{"b":2}` {
		t.Errorf("repeated key: %q, %v", got, err)
	}
}

// FuzzChunkPayload round-trips model JSON through the chunk payload: what
// AppendChunkPayload writes, ChunkBytes and encoding/json read back.
func FuzzChunkPayload(f *testing.F) {
	f.Add([]byte(`{"type":"message_stop"}`), 5)
	f.Add([]byte{}, 0)
	f.Add([]byte("\x00\xff\"\\"), 61)
	f.Fuzz(func(t *testing.T, inner []byte, padLen int) {
		pad := padAlphabet[:max(0, padLen)%(len(padAlphabet)+1)]
		payload := AppendChunkPayload(nil, inner, pad)
		got, err := ChunkBytes(nil, payload)
		if err != nil || !bytes.Equal(got, inner) {
			t.Fatalf("ChunkBytes(%s) = %q, %v; want %q", payload, got, err, inner)
		}
		var members map[string]string
		if err := json.Unmarshal(payload, &members); err != nil || members["p"] != pad {
			t.Fatalf("payload %s is not the JSON object it should be: %v", payload, err)
		}
		if strings.Contains(string(payload), `"p"`) != (pad != "") {
			t.Fatalf("payload %s with pad %q", payload, pad)
		}
	})
}
