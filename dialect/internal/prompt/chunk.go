package prompt

import (
	"bytes"
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
)

// JSON marshals v without HTML escaping, so prompt templates such as
// "<s>[INST]" stay readable on the wire, and without a trailing newline.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Finish holds a stream's MessageStop until its Metadata arrives, for the
// families whose last chunk carries the stop reason and the invocation
// metrics together.
type Finish struct {
	stop    rockstream.MessageStop
	meta    *dialect.InvocationMetrics
	stopped bool
	sent    bool
}

// Hold records ev when it is MessageStop or Metadata and reports whether
// it was one of them.
func (f *Finish) Hold(ev rockstream.Event) bool {
	switch e := ev.(type) {
	case rockstream.MessageStop:
		f.stop, f.stopped = e, true
	case rockstream.Metadata:
		f.meta = dialect.NewInvocationMetrics(e)
	default:
		return false
	}
	return true
}

// Ready returns the stop and metrics once both are held, exactly once.
func (f *Finish) Ready() (rockstream.MessageStop, *dialect.InvocationMetrics, bool) {
	if f.sent || !f.stopped || f.meta == nil {
		return rockstream.MessageStop{}, nil, false
	}
	f.sent = true
	return f.stop, f.meta, true
}

// Flush returns the held stop, with metrics if any arrived, for a stream
// that ends without Metadata; ok is false when there is nothing to send.
func (f *Finish) Flush() (rockstream.MessageStop, *dialect.InvocationMetrics, bool) {
	if f.sent || !f.stopped {
		return rockstream.MessageStop{}, nil, false
	}
	f.sent = true
	return f.stop, f.meta, true
}

// Final encodes a stream's last chunk from its stop and metrics.
type Final func(dst [][]byte, stop rockstream.MessageStop, m *dialect.InvocationMetrics) ([][]byte, error)

// Encode holds ev, a MessageStop or Metadata, and appends the final chunk
// once both have come: an encoder's case for those two events.
func (f *Finish) Encode(dst [][]byte, ev rockstream.Event, final Final) ([][]byte, error) {
	f.Hold(ev)
	if stop, m, ok := f.Ready(); ok {
		return final(dst, stop, m)
	}
	return dst, nil
}

// End appends the final chunk of a stream that ended without Metadata,
// if its stop is still held: an encoder's Flush.
func (f *Finish) End(dst [][]byte, final Final) ([][]byte, error) {
	if stop, m, ok := f.Flush(); ok {
		return final(dst, stop, m)
	}
	return dst, nil
}

// Sent reports whether the final chunk has gone out.
func (f *Finish) Sent() bool { return f.sent }

// Opened tracks whether a decoder has emitted MessageStart and opened
// block 0, so prompt families emit a well-formed event sequence.
type Opened struct {
	started, text bool
}

// Start appends MessageStart once.
func (o *Opened) Start(dst []rockstream.Event, ms rockstream.MessageStart) []rockstream.Event {
	if o.started {
		return dst
	}
	o.started = true
	return append(dst, ms)
}

// Text appends a TextDelta for block 0 unless text is empty.
func (o *Opened) Text(dst []rockstream.Event, text string) []rockstream.Event {
	if text == "" {
		return dst
	}
	o.text = true
	return append(dst, rockstream.TextDelta{Index: 0, Text: text})
}

// Stop appends BlockStop for an opened text block, then MessageStop.
func (o *Opened) Stop(dst []rockstream.Event, stop rockstream.MessageStop) []rockstream.Event {
	if o.text {
		dst = append(dst, rockstream.BlockStop{Index: 0})
		o.text = false
	}
	return append(dst, stop)
}

// Started reports whether MessageStart has been emitted.
func (o *Opened) Started() bool { return o.started }

// Decoded is the error for a chunk that is not the family's JSON.
func Decoded(family string, err error) error {
	return &rockstream.Error{Class: rockstream.ClassProtocol, Message: family + ": malformed stream chunk: " + err.Error(),
		StatusCode: 502, Err: err}
}

// AfterEnd is the error for a chunk that follows the final one.
func AfterEnd(family string) error {
	return &rockstream.Error{Class: rockstream.ClassProtocol, Message: family + ": chunk after the final chunk", StatusCode: 502}
}

// NotCarried is the error a stream encoder returns for an event its family
// has no chunk for.
func NotCarried(family string, ev rockstream.Event) error {
	return rockstream.Validationf("%s: a %T event cannot be sent in this model family's stream", family, ev)
}
