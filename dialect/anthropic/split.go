package anthropic

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The request checker walks a body that json.Valid has already accepted,
// one level at a time. Splitting a level with encoding/json rescans every
// nested value once per level above it and allocates a copy of each; on
// the gateway that made request decoding as costly as the whole upstream
// round trip. These helpers split a level in one pass, with values that
// alias the body. They assume valid JSON; BenchmarkDecodeRequest keeps the
// encoding/json path beside them and FuzzSplitMatchesEncodingJSON holds
// both to the same answers.

// splitObject returns an object's members, the last of duplicate keys
// winning as with encoding/json.
func splitObject(raw []byte) (map[string]json.RawMessage, error) {
	m := make(map[string]json.RawMessage)
	err := eachMember(raw, func(key string, val []byte) error {
		m[key] = json.RawMessage(val)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// eachMember calls fn with each of an object's members in order, stopping
// at the first error.
func eachMember(raw []byte, fn func(key string, val []byte) error) error {
	i := skipSpace(raw, 1)
	if raw[i] == '}' {
		return nil
	}
	for {
		end := skipString(raw, i)
		key, err := unquote(raw[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(raw, end)
		i = skipSpace(raw, i+1) // past ':'
		end = skipValue(raw, i)
		if err := fn(key, raw[i:end:end]); err != nil {
			return err
		}
		i = skipSpace(raw, end)
		if raw[i] == '}' {
			return nil
		}
		i = skipSpace(raw, i+1) // past ','
	}
}

// splitArray returns an array's elements.
func splitArray(raw []byte) []json.RawMessage {
	i := skipSpace(raw, 1)
	if raw[i] == ']' {
		return []json.RawMessage{}
	}
	var out []json.RawMessage
	for {
		end := skipValue(raw, i)
		out = append(out, json.RawMessage(raw[i:end:end]))
		i = skipSpace(raw, end)
		if raw[i] == ']' {
			return out
		}
		i = skipSpace(raw, i+1)
	}
}

// unquote decodes a JSON string. Strings without escapes, which are
// nearly all of them, are copied as they are; the rest go to encoding/json,
// which also replaces invalid UTF-8 as it would have.
func unquote(raw []byte) (string, error) {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// trimSpace trims JSON's whitespace (bytes.TrimSpace would also take \f
// and \v, which JSON rejects).
func trimSpace(raw []byte) []byte {
	i, j := skipSpace(raw, 0), len(raw)
	for j > i && (raw[j-1] == ' ' || raw[j-1] == '\t' || raw[j-1] == '\n' || raw[j-1] == '\r') {
		j--
	}
	return raw[i:j]
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string that starts at i.
func skipString(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the value that starts at i.
func skipValue(raw []byte, i int) int {
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for i < len(raw) {
			switch raw[i] {
			case '"':
				i = skipString(raw, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(raw) {
		switch raw[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
