package eventframe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// ErrNoBytes reports a chunk payload without a "bytes" member.
var ErrNoBytes = errors.New("eventstream: chunk has no bytes member")

var bytesKey = []byte(`"bytes"`)

// AppendChunkPayload appends the InvokeModel stream chunk payload for one
// model JSON object to dst: {"bytes":"<std base64 of chunk>","p":"<pad>"},
// without "p" when pad is empty. pad goes in unescaped, so it must be a
// Padding value (or anything else that needs no JSON escaping).
func AppendChunkPayload(dst, chunk []byte, pad string) []byte {
	dst = append(dst, `{"bytes":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, chunk)
	if pad != "" {
		dst = append(dst, `","p":"`...)
		dst = append(dst, pad...)
	}
	return append(dst, `"}`...)
}

// ChunkBytes decodes the base64 "bytes" member of an InvokeModel stream
// chunk payload ({"bytes":"…","p":"…"}) into dst, which it grows as
// needed, and returns the model JSON. Payloads it cannot scan directly
// (escapes, unusual spacing) go through encoding/json.
func ChunkBytes(dst, payload []byte) ([]byte, error) {
	if enc, ok := scanBytes(payload); ok {
		n := base64.StdEncoding.DecodedLen(len(enc))
		if cap(dst) < n {
			dst = make([]byte, n)
		}
		dst = dst[:n]
		m, err := base64.StdEncoding.Decode(dst, enc)
		return dst[:m], err
	}
	// A map keeps the member names exact and lets a repeated key win last,
	// as the SDK's deserializer reads them; a struct would match "Bytes" too.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(payload, &members); err != nil {
		return dst[:0], err
	}
	raw, ok := members["bytes"]
	if !ok {
		return dst[:0], ErrNoBytes
	}
	var b []byte
	if err := json.Unmarshal(raw, &b); err != nil {
		return dst[:0], err
	}
	return append(dst[:0], b...), nil
}

// scanBytes finds the string value of "bytes" when it is written plainly:
// the key at the top level, a colon, and a string without escapes.
func scanBytes(p []byte) ([]byte, bool) {
	p = bytes.TrimSpace(p)
	if len(p) < 2 || p[0] != '{' {
		return nil, false
	}
	i := bytes.Index(p, bytesKey)
	// Only trust a key right after the opening brace: anywhere else it
	// could sit inside another member's string value.
	if i != 1 {
		return nil, false
	}
	rest := p[i+len(bytesKey):]
	if len(rest) < 2 || rest[0] != ':' || rest[1] != '"' {
		return nil, false
	}
	rest = rest[2:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return nil, false
	}
	// A second "bytes" key would win; leave that to encoding/json.
	if bytes.Contains(rest[end:], bytesKey) {
		return nil, false
	}
	return rest[:end], true
}
