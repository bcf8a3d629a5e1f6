// Package prompt holds what the non-Anthropic Bedrock family codecs share:
// request-body checks that fail with Bedrock's own "Malformed input
// request" messages, and flattening a conversation into a prompt template.
package prompt

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
)

// Body is a JSON object being checked against a family's request schema.
// Each check records a violation instead of failing at once, so a body with
// several faults gets Bedrock's "N schema violations found" message. Null
// values count as absent.
type Body struct {
	path   string // JSON pointer in Bedrock's notation: "#", "#/inferenceConfig"
	fields map[string]json.RawMessage
	v      *violations
}

type violations struct{ msgs []string }

// Parse reads body as a JSON object. A body that is not one fails at once.
func Parse(body []byte) (*Body, error) {
	if !json.Valid(body) {
		return nil, Malformed("#: request body is not valid JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, Malformed("#: expected type: JSONObject, found: " + typeName(body))
	}
	return &Body{path: "#", fields: fields, v: &violations{}}, nil
}

// Malformed is the ValidationException Bedrock answers a bad body with.
func Malformed(detail string) *rockstream.Error {
	return rockstream.Validationf("Malformed input request: %s, please reformat your input and try again.", detail)
}

// Err is nil when every check passed, else the ValidationException for
// the violations found.
func (b *Body) Err() error {
	switch n := len(b.v.msgs); n {
	case 0:
		return nil
	case 1:
		return Malformed(b.v.msgs[0])
	default:
		return rockstream.Validationf("Malformed input request: %d schema violations found, please reformat your input and try again.", n)
	}
}

// Failf records a violation at this object's path.
func (b *Body) Failf(format string, args ...any) {
	b.v.msgs = append(b.v.msgs, b.path+": "+fmt.Sprintf(format, args...))
}

// FailAt records a violation at key below this object's path.
func (b *Body) FailAt(key, format string, args ...any) {
	b.v.msgs = append(b.v.msgs, b.path+"/"+key+": "+fmt.Sprintf(format, args...))
}

// Has reports whether key is present and not null.
func (b *Body) Has(key string) bool {
	raw, ok := b.fields[key]
	return ok && typeName(raw) != "Null"
}

// Allow records every key outside keys as extraneous, in sorted order.
func (b *Body) Allow(keys ...string) {
	var extra []string
	for k := range b.fields {
		if !slices.Contains(keys, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		b.Failf("extraneous key [%s] is not permitted", k)
	}
}

// Require records each missing key.
func (b *Body) Require(keys ...string) {
	for _, k := range keys {
		if !b.Has(k) {
			b.Failf("required key [%s] not found", k)
		}
	}
}

// expect returns key's raw value if present and of type want.
func (b *Body) expect(key, want string) (json.RawMessage, bool) {
	if !b.Has(key) {
		return nil, false
	}
	raw := b.fields[key]
	got := typeName(raw)
	if got != want && (want != "Number" || got != "Integer") {
		b.FailAt(key, "expected type: %s, found: %s", want, got)
		return nil, false
	}
	return raw, true
}

// String returns key's string value.
func (b *Body) String(key string) (string, bool) {
	raw, ok := b.expect(key, "String")
	if !ok {
		return "", false
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s, true
}

// Enum returns key's string value, recording a violation unless it is one
// of values.
func (b *Body) Enum(key string, values ...string) (string, bool) {
	s, ok := b.String(key)
	if ok && !slices.Contains(values, s) {
		b.FailAt(key, "%s is not a valid enum value", s)
		return "", false
	}
	return s, ok
}

// Bool returns key's boolean value.
func (b *Body) Bool(key string) (bool, bool) {
	raw, ok := b.expect(key, "Boolean")
	return ok && string(raw) == "true", ok
}

// Float returns key's number, or nil; it must lie in [lo, hi].
func (b *Body) Float(key string, lo, hi float64) *float64 {
	raw, ok := b.expect(key, "Number")
	if !ok {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
	if err != nil {
		b.FailAt(key, "expected type: Number, found: %s", typeName(raw))
		return nil
	}
	if !b.inRange(key, f, lo, hi) {
		return nil
	}
	return &f
}

// Int returns key's integer, or nil; it must lie in [lo, hi].
func (b *Body) Int(key string, lo, hi int) *int {
	raw, ok := b.expect(key, "Integer")
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		b.FailAt(key, "expected type: Integer, found: Number")
		return nil
	}
	if !b.inRange(key, float64(n), float64(lo), float64(hi)) {
		return nil
	}
	return &n
}

func (b *Body) inRange(key string, f, lo, hi float64) bool {
	switch {
	case f < lo:
		b.FailAt(key, "%s is not greater or equal to %s", num(f), num(lo))
	case f > hi:
		b.FailAt(key, "%s is not less or equal to %s", num(f), num(hi))
	default:
		return true
	}
	return false
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Strings returns key's array of strings, at most maxItems long.
func (b *Body) Strings(key string, maxItems int) []string {
	items := b.Array(key)
	if items == nil {
		return nil
	}
	if len(items) > maxItems {
		b.FailAt(key, "expected maximum item count: %d, found: %d", maxItems, len(items))
		return nil
	}
	out := make([]string, 0, len(items))
	for i, raw := range items {
		var s string
		if typeName(raw) != "String" || json.Unmarshal(raw, &s) != nil {
			b.FailAt(key+"/"+strconv.Itoa(i), "expected type: String, found: %s", typeName(raw))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// Array returns key's array elements.
func (b *Body) Array(key string) []json.RawMessage {
	raw, ok := b.expect(key, "JSONArray")
	if !ok {
		return nil
	}
	var items []json.RawMessage
	_ = json.Unmarshal(raw, &items)
	if items == nil {
		items = []json.RawMessage{}
	}
	return items
}

// Object returns key's object for nested checks, or nil.
func (b *Body) Object(key string) *Body {
	raw, ok := b.expect(key, "JSONObject")
	if !ok {
		return nil
	}
	return b.child(key, raw)
}

// Element returns element i of the array at key as an object, or nil
// after recording a violation.
func (b *Body) Element(key string, i int, raw json.RawMessage) *Body {
	p := key + "/" + strconv.Itoa(i)
	if t := typeName(raw); t != "JSONObject" {
		b.FailAt(p, "expected type: JSONObject, found: %s", t)
		return nil
	}
	return b.child(p, raw)
}

func (b *Body) child(key string, raw json.RawMessage) *Body {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	return &Body{path: b.path + "/" + key, fields: fields, v: b.v}
}

// Raw returns key's value as it appeared, or nil.
func (b *Body) Raw(key string) json.RawMessage {
	if !b.Has(key) {
		return nil
	}
	return b.fields[key]
}

// Keys returns the keys present, sorted.
func (b *Body) Keys() []string {
	keys := make([]string, 0, len(b.fields))
	for k := range b.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typeName names raw's JSON type as Bedrock's schema validator does.
func typeName(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return "Null"
	}
	switch s[0] {
	case '"':
		return "String"
	case '{':
		return "JSONObject"
	case '[':
		return "JSONArray"
	case 't', 'f':
		return "Boolean"
	case 'n':
		return "Null"
	}
	if strings.ContainsAny(s, ".eE") {
		return "Number"
	}
	return "Integer"
}
