package anthropic

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Content deltas are nearly every chunk of a stream, so they are read and
// written without encoding/json's reflection. The fast paths accept only
// the exact shape Bedrock and this package produce; anything else (other
// key order, whitespace, unusual escapes) goes through encoding/json, and
// whatever the fast path accepts decodes exactly as encoding/json would
// (FuzzFastDeltaMatchesJSON).

// deltaField is the JSON key that carries a content delta's string.
func deltaField(kind string) string {
	switch kind {
	case "text_delta":
		return "text"
	case "input_json_delta":
		return "partial_json"
	case "thinking_delta":
		return "thinking"
	case "signature_delta":
		return "signature"
	}
	return ""
}

const (
	deltaPrefix = `{"type":"content_block_delta","index":`
	deltaType   = `,"delta":{"type":"`
	deltaSuffix = `}}`
)

// parseFastDelta recognizes
// {"type":"content_block_delta","index":N,"delta":{"type":K,F:S}}
// with no whitespace, where F is the string field of delta kind K, and
// returns its index and delta. ok is false for anything else.
func parseFastDelta(chunk []byte) (index int, delta wireDelta, ok bool) {
	rest, ok := bytes.CutPrefix(chunk, []byte(deltaPrefix))
	if !ok {
		return 0, delta, false
	}
	index, rest, ok = cutIndex(rest)
	if !ok {
		return 0, delta, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(deltaType)); !ok {
		return 0, delta, false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return 0, delta, false
	}
	kind := kindName(rest[:end])
	field := deltaField(kind)
	if field == "" {
		return 0, delta, false
	}
	rest = rest[end+1:]
	// ,"<field>":"
	if len(rest) < len(field)+5 || rest[0] != ',' || rest[1] != '"' ||
		string(rest[2:2+len(field)]) != field || string(rest[2+len(field):5+len(field)]) != `":"` {
		return 0, delta, false
	}
	rest = rest[5+len(field):]
	s, rest, ok := unquoteJSON(rest)
	if !ok || string(rest) != deltaSuffix {
		return 0, delta, false
	}
	delta.Type = kind
	switch kind {
	case "text_delta":
		delta.Text = s
	case "input_json_delta":
		delta.PartialJSON = new(s)
	case "thinking_delta":
		delta.Thinking = s
	default:
		delta.Signature = s
	}
	return index, delta, true
}

// kindName returns the constant for a known delta kind, so that
// recognizing one does not allocate.
func kindName(b []byte) string {
	for _, k := range [...]string{"text_delta", "input_json_delta", "thinking_delta", "signature_delta"} {
		if string(b) == k {
			return k
		}
	}
	return ""
}

// cutIndex reads a JSON non-negative integer of at most nine digits (so
// it fits any int) from the front of b.
func cutIndex(b []byte) (n int, rest []byte, ok bool) {
	i := 0
	for i < len(b) && i < 10 && '0' <= b[i] && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	if i == 0 || i > 9 || (b[0] == '0' && i > 1) {
		return 0, nil, false
	}
	return n, b[i:], true
}

// unquoteJSON reads the rest of a JSON string whose opening quote has been
// consumed, returning its value and what follows the closing quote. It
// decodes as encoding/json does: escapes, surrogate pairs, and U+FFFD for
// lone surrogates and invalid UTF-8. ok is false where encoding/json
// reports a syntax error (control characters, unknown escapes, no end).
func unquoteJSON(b []byte) (s string, rest []byte, ok bool) {
	// Plain strings, the common case, are one copy.
	i := 0
	for i < len(b) {
		c := b[i]
		if c == '"' {
			return string(b[:i]), b[i+1:], true
		}
		if c == '\\' || c < ' ' || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	out := make([]byte, i, len(b))
	copy(out, b[:i])
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return string(out), b[i+1:], true
		case c < ' ':
			return "", nil, false
		case c < utf8.RuneSelf && c != '\\':
			out = append(out, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		default: // backslash
			if i+1 >= len(b) {
				return "", nil, false
			}
			var n int
			if out, n = appendEscape(out, b[i:]); n == 0 {
				return "", nil, false
			}
			i += n
		}
	}
	return "", nil, false
}

// appendEscape decodes the escape at the front of b (which starts with a
// backslash) and reports how many bytes it used; 0 means invalid.
func appendEscape(out, b []byte) ([]byte, int) {
	switch b[1] {
	case '"', '\\', '/':
		return append(out, b[1]), 2
	case 'b':
		return append(out, '\b'), 2
	case 'f':
		return append(out, '\f'), 2
	case 'n':
		return append(out, '\n'), 2
	case 'r':
		return append(out, '\r'), 2
	case 't':
		return append(out, '\t'), 2
	case 'u':
		r := hex4(b)
		if r < 0 {
			return out, 0
		}
		if !utf16.IsSurrogate(r) {
			return utf8.AppendRune(out, r), 6
		}
		// A pair is consumed whole; anything else leaves the next escape
		// to be read on its own, as encoding/json does.
		if dec := utf16.DecodeRune(r, hex4(b[6:])); dec != utf8.RuneError {
			return utf8.AppendRune(out, dec), 12
		}
		return utf8.AppendRune(out, utf8.RuneError), 6
	}
	return out, 0
}

// hex4 is the code unit of a \uXXXX escape at the front of b, or -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// appendDeltaChunk appends the content_block_delta chunk for one delta,
// byte for byte what json.Marshal gives for blockDeltaChunk.
func appendDeltaChunk(dst []byte, index int, kind, s string) []byte {
	dst = append(dst, deltaPrefix...)
	dst = strconv.AppendInt(dst, int64(index), 10)
	dst = append(dst, deltaType...)
	dst = append(dst, kind...)
	dst = append(dst, `","`...)
	dst = append(dst, deltaField(kind)...)
	dst = append(dst, `":`...)
	dst = appendJSONString(dst, s)
	return append(dst, deltaSuffix...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as json.Marshal
// writes it: HTML-safe (<, >, & escaped), U+2028 and U+2029 escaped,
// invalid UTF-8 as \ufffd. strconv.Quote differs (\x escapes, \a, \v).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
