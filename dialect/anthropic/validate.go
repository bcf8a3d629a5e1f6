package anthropic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream"
)

// style chooses how validation failures read: as Bedrock's JSON-schema
// messages ("#/max_tokens: expected type: Integer, found: String") or as
// the first-party API's ("max_tokens: Input should be a valid integer").
type style int

const (
	bedrockStyle style = iota
	firstPartyStyle
)

type violationKind int

const (
	vRequired violationKind = iota
	vExtraneous
	vType
	vMin
	vMax
	vEnum
	vOther
)

// violation is one schema failure at path (the key chain from the root).
type violation struct {
	path []string
	kind violationKind
	key  string // the missing or extra key
	want string // type name, limit or allowed values
	got  string // found type or value
}

func (v violation) render(st style) string {
	if st == bedrockStyle {
		p := "#"
		for _, s := range v.path {
			p += "/" + s
		}
		switch v.kind {
		case vRequired:
			return p + ": required key [" + v.key + "] not found"
		case vExtraneous:
			return p + ": extraneous key [" + v.key + "] is not permitted"
		case vType:
			return p + ": expected type: " + v.want + ", found: " + v.got
		case vMin:
			return p + ": " + v.got + " is not greater or equal to " + v.want
		case vMax:
			return p + ": " + v.got + " is not less or equal to " + v.want
		case vEnum:
			return p + ": " + v.got + " is not a valid enum value"
		}
		return p + ": " + v.want
	}
	path := v.path
	if v.kind == vRequired || v.kind == vExtraneous {
		path = append(slices.Clip(path), v.key)
	}
	p := strings.Join(path, ".")
	switch v.kind {
	case vRequired:
		return p + ": Field required"
	case vExtraneous:
		return p + ": Extra inputs are not permitted"
	case vType:
		return p + ": Input should be a valid " + firstPartyTypes[v.want]
	case vMin:
		return p + ": Input should be greater than or equal to " + v.want
	case vMax:
		return p + ": Input should be less than or equal to " + v.want
	case vEnum:
		return p + ": Input should be " + v.want
	}
	return p + ": " + v.want
}

var firstPartyTypes = map[string]string{
	"Integer": "integer", "Number": "number", "String": "string", "Boolean": "boolean",
	"JSONArray": "list", "JSONObject": "dictionary",
}

// checker walks a JSON body, collecting violations.
type checker struct {
	style style
	vs    []violation
	// systemCache collects the system blocks' cache points.
	systemCache []rockstream.SystemCachePoint
	// reference splits levels and strings with encoding/json instead of
	// the one-pass helpers in split.go (for the benchmark and fuzz target
	// that compare them).
	reference bool
}

func (c *checker) add(v violation) { c.vs = append(c.vs, v) }

// err is the validation error for the violations found, or nil.
func (c *checker) err() error {
	if len(c.vs) == 0 {
		return nil
	}
	if c.style == firstPartyStyle {
		return rockstream.Validationf("%s", c.vs[0].render(c.style))
	}
	msg := c.vs[0].render(c.style)
	if len(c.vs) > 1 {
		msg = strconv.Itoa(len(c.vs)) + " schema violations found"
	}
	return malformed(msg)
}

// malformed is Bedrock's ValidationException for a body it cannot accept.
func malformed(msg string) *rockstream.Error {
	return rockstream.Validationf("Malformed input request: %s, please reformat your input and try again.", msg)
}

// jsonKind names raw's JSON type as Bedrock's schema validator does.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "Null"
	}
	switch raw[0] {
	case '{':
		return "JSONObject"
	case '[':
		return "JSONArray"
	case '"':
		return "String"
	case 't', 'f':
		return "Boolean"
	case 'n':
		return "Null"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "Number"
	}
	return "Integer"
}

func (c *checker) typeIs(path []string, raw json.RawMessage, want ...string) bool {
	got := jsonKind(raw)
	if slices.Contains(want, got) || (got == "Integer" && slices.Contains(want, "Number")) {
		return true
	}
	c.add(violation{path: path, kind: vType, want: strings.Join(want, " or "), got: got})
	return false
}

// object decodes an object, reporting missing required keys and keys
// not in allowed (nil allows any).
func (c *checker) object(path []string, raw json.RawMessage, required, allowed []string) (map[string]json.RawMessage, bool) {
	if !c.typeIs(path, raw, "JSONObject") {
		return nil, false
	}
	m, err := c.splitObject(raw)
	if err != nil {
		c.add(violation{path: path, kind: vOther, want: err.Error()})
		return nil, false
	}
	c.keys(path, m, required, allowed)
	return m, true
}

// keys reports the required keys m lacks and those not in allowed (nil
// allows any).
func (c *checker) keys(path []string, m map[string]json.RawMessage, required, allowed []string) {
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.add(violation{path: path, kind: vRequired, key: k})
		}
	}
	if allowed != nil {
		var extra []string
		for k := range m {
			if !slices.Contains(allowed, k) {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		for _, k := range extra {
			c.add(violation{path: path, kind: vExtraneous, key: k})
		}
	}
}

func (c *checker) splitObject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if !c.reference {
		return splitObject(trimSpace(raw))
	}
	var m map[string]json.RawMessage
	err := json.Unmarshal(raw, &m)
	return m, err
}

func (c *checker) array(path []string, raw json.RawMessage) ([]json.RawMessage, bool) {
	if !c.typeIs(path, raw, "JSONArray") {
		return nil, false
	}
	if !c.reference {
		return splitArray(trimSpace(raw)), true
	}
	var a []json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil {
		c.add(violation{path: path, kind: vOther, want: err.Error()})
		return nil, false
	}
	return a, true
}

func (c *checker) str(path []string, raw json.RawMessage) (string, bool) {
	if !c.typeIs(path, raw, "String") {
		return "", false
	}
	var s string
	var err error
	if c.reference {
		err = json.Unmarshal(raw, &s)
	} else {
		s, err = unquote(trimSpace(raw))
	}
	if err != nil {
		c.add(violation{path: path, kind: vOther, want: err.Error()})
		return "", false
	}
	return s, true
}

func (c *checker) enum(path []string, raw json.RawMessage, allowed ...string) (string, bool) {
	s, ok := c.str(path, raw)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		quoted := make([]string, len(allowed))
		for i, a := range allowed {
			quoted[i] = "'" + a + "'"
		}
		c.add(violation{path: path, kind: vEnum, got: s, want: strings.Join(quoted, " or ")})
		return s, false
	}
	return s, true
}

func (c *checker) boolean(path []string, raw json.RawMessage) bool {
	if !c.typeIs(path, raw, "Boolean") {
		return false
	}
	return bytes.Equal(bytes.TrimSpace(raw), []byte("true"))
}

// integer decodes an integer of at least min.
func (c *checker) integer(path []string, raw json.RawMessage, min int) (int, bool) {
	if !c.typeIs(path, raw, "Integer") {
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
	if err != nil {
		c.add(violation{path: path, kind: vOther, want: "integer out of range"})
		return 0, false
	}
	if n < min {
		c.add(violation{path: path, kind: vMin, got: strconv.Itoa(n), want: strconv.Itoa(min)})
		return n, false
	}
	return n, true
}

// number decodes a number within [min, max].
func (c *checker) number(path []string, raw json.RawMessage, min, max float64) (float64, bool) {
	if !c.typeIs(path, raw, "Number") {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
	if err != nil {
		c.add(violation{path: path, kind: vOther, want: "number out of range"})
		return 0, false
	}
	got := strconv.FormatFloat(f, 'g', -1, 64)
	switch {
	case f < min:
		c.add(violation{path: path, kind: vMin, got: got, want: fmt.Sprint(min)})
		return f, false
	case f > max:
		c.add(violation{path: path, kind: vMax, got: got, want: fmt.Sprint(max)})
		return f, false
	}
	return f, true
}

// at extends path by one key or index, without aliasing.
func at[K string | int](path []string, key K) []string {
	var k string
	switch v := any(key).(type) {
	case string:
		k = v
	case int:
		k = strconv.Itoa(v)
	}
	return append(slices.Clip(path), k)
}
