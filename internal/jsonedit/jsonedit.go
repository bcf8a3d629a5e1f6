// Package jsonedit changes top-level members of a JSON object and keeps
// every other member's bytes as they were, so a relay that must rename a
// model or drop a field passes the rest of a caller's body on unchanged.
package jsonedit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNotObject is returned for a body that is not one JSON object.
var ErrNotObject = errors.New("jsonedit: not a JSON object")

// member is one top-level member: its key and its "key":value bytes.
type member struct {
	key   string
	text  []byte
	value []byte
}

// members splits a JSON object into its members, in order.
func members(body []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, ErrNotObject
	}
	var out []member
	for dec.More() {
		from := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("jsonedit: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, ErrNotObject
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("jsonedit: member %q: %w", key, err)
		}
		end := int(dec.InputOffset())
		start := from + bytes.IndexByte(body[from:end], '"')
		out = append(out, member{key: key, text: body[start:end], value: body[end-len(raw) : end]})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, ErrNotObject
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("jsonedit: data after the object")
	}
	return out, nil
}

// Edit returns body with the members named in set replaced (or added at
// the end, in the order given by keys) by their values, and the members
// named in del removed. Values must be valid JSON. Every other member is
// kept byte for byte.
func Edit(body []byte, set map[string]json.RawMessage, keys []string, del ...string) ([]byte, error) {
	ms, err := members(body)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+64)
	out = append(out, '{')
	done := map[string]bool{}
	add := func(text []byte) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, text...)
	}
	pair := func(key string, v json.RawMessage) []byte {
		k, _ := json.Marshal(key)
		return append(append(k, ':'), v...)
	}
	for _, m := range ms {
		if contains(del, m.key) || done[m.key] {
			continue
		}
		if v, ok := set[m.key]; ok {
			add(pair(m.key, v))
			done[m.key] = true
			continue
		}
		add(m.text)
	}
	for _, k := range keys {
		if v, ok := set[k]; ok && !done[k] {
			add(pair(k, v))
			done[k] = true
		}
	}
	return append(out, '}'), nil
}

// Get returns the raw value of a top-level member, or nil.
func Get(body []byte, key string) json.RawMessage {
	ms, err := members(body)
	if err != nil {
		return nil
	}
	for _, m := range ms {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
