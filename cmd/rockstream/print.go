package main

import (
	"encoding/json"
	"io"
	"sync"

	"github.com/rockstream/rockstream"
)

// printer renders one stream on stdout: each event as it arrives, then the
// outcome. A write error ends the stream.
type printer interface {
	event(ev rockstream.Event) error
	outcome(o rockstream.Outcome) error
}

// textPrinter writes the model's text as it arrives, unbuffered, and ends
// it with a newline.
type textPrinter struct {
	w    io.Writer
	last byte
	// controls, when set, removes terminal control sequences from the
	// text: stdout is a terminal, and a model's answer must not drive it.
	controls *controlFilter
}

// newTextPrinter prints to w, filtering control sequences when w is a
// terminal.
func newTextPrinter(w io.Writer, terminal bool) *textPrinter {
	p := &textPrinter{w: w}
	if terminal {
		p.controls = &controlFilter{}
	}
	return p
}

func (p *textPrinter) event(ev rockstream.Event) error {
	d, ok := ev.(rockstream.TextDelta)
	if !ok || d.Text == "" {
		return nil
	}
	text := d.Text
	if p.controls != nil {
		if text = p.controls.filter(text); text == "" {
			return nil
		}
	}
	p.last = text[len(text)-1]
	_, err := io.WriteString(p.w, text)
	return err
}

func (p *textPrinter) outcome(rockstream.Outcome) error { return p.endLine() }

// endLine ends the text with a newline unless it already has one.
func (p *textPrinter) endLine() error {
	if p.last == 0 || p.last == '\n' {
		return nil
	}
	p.last = '\n'
	_, err := io.WriteString(p.w, "\n")
	return err
}

// jsonPrinter writes one JSON object per line (NDJSON): each event in
// rockstream's event JSON, then an "outcome" line.
type jsonPrinter struct {
	w   io.Writer
	enc *json.Encoder
	// countedUsage marks the outcome's output tokens as counted here.
	countedUsage bool
}

func newJSONPrinter(w io.Writer) *jsonPrinter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonPrinter{w: w, enc: enc}
}

func (p *jsonPrinter) event(ev rockstream.Event) error {
	b, err := rockstream.MarshalEvent(ev)
	if err != nil {
		return err
	}
	_, err = p.w.Write(append(b, '\n'))
	return err
}

func (p *jsonPrinter) outcome(o rockstream.Outcome) error {
	line := outcomeJSON(o)
	line.Usage.OutputTokensCounted = p.countedUsage
	return p.enc.Encode(line)
}

// rawPrinter writes the model's own chunk JSON, one per line, as the
// client receives it; the neutral events are not printed.
type rawPrinter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// chunk is the client's OnChunk hook.
func (p *rawPrinter) chunk(raw []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	line := make([]byte, 0, len(raw)+1)
	line = append(append(line, raw...), '\n')
	_, p.err = p.w.Write(line)
}

func (p *rawPrinter) event(rockstream.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *rawPrinter) outcome(rockstream.Outcome) error { return nil }
