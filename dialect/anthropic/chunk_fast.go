package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/rockstream/rockstream/dialect"
)

// A stream's other chunks (message_start, content_block_start and _stop,
// message_delta, message_stop) are few, but through encoding/json they cost
// the relay about as much per stream as a hundred deltas. decodeChunkFast
// reads them with the one-pass helpers of split.go, assigning members in
// order as encoding/json does (later duplicates win, null leaves a value
// alone and clears a pointer, a repeated object merges into the first).
// Whatever it is not sure to read exactly as encoding/json would (a type
// mismatch, a key that matches a field only case-insensitively, an error
// chunk, a tool's input) it leaves to encoding/json by returning false;
// FuzzChunkFastMatchesJSON holds it to that.

// errSlow abandons the fast path.
var errSlow = errors.New("anthropic: chunk needs encoding/json")

func decodeChunkFast(chunk []byte) (c wireChunk, ok bool) {
	if !json.Valid(chunk) {
		return c, false
	}
	if chunk = trimSpace(chunk); chunk[0] != '{' {
		return c, false
	}
	err := eachMember(chunk, func(k string, v []byte) error {
		switch k {
		case "type":
			return setString(&c.Type, v)
		case "index":
			return setIntPtr(&c.Index, v)
		case "message":
			return setObject(&c.Message, v, (*wireMessageBody).member)
		case "content_block":
			return setObject(&c.ContentBlock, v, (*wireBlock).member)
		case "delta":
			return setObject(&c.Delta, v, (*wireDelta).member)
		case "usage":
			return setObject(&c.Usage, v, (*wireUsage).member)
		case dialect.MetricsKey:
			return setObject(&c.Metrics, v, metricsMember)
		}
		return unknownKey(k, "type", "index", "message", "content_block", "delta", "usage", dialect.MetricsKey, "error")
	})
	return c, err == nil
}

func (m *wireMessageBody) member(k string, v []byte) error {
	switch k {
	case "id":
		return setString(&m.ID, v)
	case "type":
		return setString(&m.Type, v)
	case "role":
		return setString(&m.Role, v)
	case "model":
		return setString(&m.Model, v)
	case "stop_reason":
		return setStringPtr(&m.StopReason, v)
	case "stop_sequence":
		return setStringPtr(&m.StopSequence, v)
	case "usage":
		if isNull(v) {
			return nil
		}
		return members(v, m.Usage.member)
	case "content":
		// message_start's content is empty; a filled one (the whole
		// message, as in a non-streaming answer) is encoding/json's.
		if isNull(v) {
			m.Content = nil
			return nil
		}
		if !bytes.Equal(v, []byte("[]")) {
			return errSlow
		}
		m.Content = []wireBlock{}
		return nil
	}
	return unknownKey(k, "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage")
}

func (b *wireBlock) member(k string, v []byte) error {
	switch k {
	case "type":
		return setString(&b.Type, v)
	case "text":
		return setStringPtr(&b.Text, v)
	case "id":
		return setString(&b.ID, v)
	case "name":
		return setString(&b.Name, v)
	case "thinking":
		return setStringPtr(&b.Thinking, v)
	case "signature":
		return setStringPtr(&b.Signature, v)
	case "data":
		return setString(&b.Data, v)
	}
	return unknownKey(k, "type", "text", "source", "id", "name", "input", "tool_use_id", "content", "is_error", "thinking", "signature", "data")
}

func (d *wireDelta) member(k string, v []byte) error {
	switch k {
	case "type":
		return setString(&d.Type, v)
	case "text":
		return setString(&d.Text, v)
	case "partial_json":
		return setStringPtr(&d.PartialJSON, v)
	case "thinking":
		return setString(&d.Thinking, v)
	case "signature":
		return setString(&d.Signature, v)
	case "stop_reason":
		return setStringPtr(&d.StopReason, v)
	case "stop_sequence":
		return setStringPtr(&d.StopSequence, v)
	}
	return unknownKey(k, "type", "text", "partial_json", "thinking", "signature", "stop_reason", "stop_sequence")
}

func (u *wireUsage) member(k string, v []byte) error {
	switch k {
	case "input_tokens":
		return setInt(&u.InputTokens, v)
	case "cache_creation_input_tokens":
		return setInt(&u.CacheCreationInputTokens, v)
	case "cache_read_input_tokens":
		return setInt(&u.CacheReadInputTokens, v)
	case "output_tokens":
		return setInt(&u.OutputTokens, v)
	}
	return unknownKey(k, "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
}

func metricsMember(m *dialect.InvocationMetrics, k string, v []byte) error {
	switch k {
	case "inputTokenCount":
		return setInt(&m.InputTokenCount, v)
	case "outputTokenCount":
		return setInt(&m.OutputTokenCount, v)
	case "invocationLatency":
		return setInt(&m.InvocationLatency, v)
	case "firstByteLatency":
		return setInt(&m.FirstByteLatency, v)
	}
	return unknownKey(k, "inputTokenCount", "outputTokenCount", "invocationLatency", "firstByteLatency")
}

// unknownKey lets encoding/json have a key that would fill one of fields
// by its case-insensitive match, or that is not plain ASCII (its folding
// rules are its own); any other key is ignored, as encoding/json ignores it.
func unknownKey(k string, fields ...string) error {
	for i := 0; i < len(k); i++ {
		if k[i] >= 0x80 {
			return errSlow
		}
	}
	for _, f := range fields {
		if strings.EqualFold(k, f) {
			return errSlow
		}
	}
	return nil
}

func isNull(v []byte) bool { return v[0] == 'n' }

func setString(dst *string, v []byte) error {
	switch v[0] {
	case 'n':
		return nil
	case '"':
		s, err := unquote(v)
		if err != nil {
			return errSlow
		}
		*dst = s
		return nil
	}
	return errSlow
}

func setInt(dst *int, v []byte) error {
	if isNull(v) {
		return nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return errSlow
	}
	*dst = int(n)
	return nil
}

func setStringPtr(dst **string, v []byte) error { return setPtr(dst, v, setString) }

func setIntPtr(dst **int, v []byte) error { return setPtr(dst, v, setInt) }

// setPtr points *dst at a new value read by set, or clears it for null.
func setPtr[T any](dst **T, v []byte, set func(*T, []byte) error) error {
	if isNull(v) {
		*dst = nil
		return nil
	}
	var x T
	if err := set(&x, v); err != nil {
		return err
	}
	*dst = &x
	return nil
}

// setObject decodes an object into *dst through member, allocating *dst
// if it is nil and merging into it if not.
func setObject[T any](dst **T, v []byte, member func(*T, string, []byte) error) error {
	if isNull(v) {
		*dst = nil
		return nil
	}
	if *dst == nil {
		*dst = new(T)
	}
	return members(v, func(k string, val []byte) error { return member(*dst, k, val) })
}

// members walks an object's members; anything but an object is
// encoding/json's to reject.
func members(v []byte, fn func(k string, val []byte) error) error {
	if v[0] != '{' {
		return errSlow
	}
	return eachMember(v, fn)
}
