package builtin

import (
	"strings"
	"time"

	"github.com/rockstream/rockstream"
)

// syncChunkPieces is how many text pieces a sync-mode guardrail holds and
// assesses at a time, as Bedrock buffers an answer in chunks before
// assessing them.
const syncChunkPieces = 16

// contextChars is how much already-released text is assessed again with
// each chunk, so a denied phrase split across two chunks is still found.
const contextChars = 200

// guardedInput is the text a guardrail assesses before the model runs:
// the guardContent blocks when the caller marked some, else the text
// inside the InvokeModel input tags when a tag suffix was given, else the
// system prompts and every user message's text.
func guardedInput(req *rockstream.Request) string {
	var marked []string
	for _, m := range req.Messages {
		for _, b := range m.Content {
			if b.Type == rockstream.BlockGuardContent {
				marked = append(marked, b.Text)
			}
		}
	}
	if len(marked) > 0 {
		return strings.Join(marked, "\n")
	}
	var all []string
	all = append(all, req.System...)
	for _, m := range req.Messages {
		if m.Role == rockstream.RoleUser {
			all = append(all, rockstream.TextOf(m.Content))
		}
	}
	text := strings.Join(all, "\n")
	if req.Guardrail != nil && req.Guardrail.TagSuffix != "" {
		return taggedText(text, "amazon-bedrock-guardrails-guardContent_"+req.Guardrail.TagSuffix)
	}
	return text
}

// taggedText joins what stands between <tag> and </tag> in text.
func taggedText(text, tag string) string {
	open, end := "<"+tag+">", "</"+tag+">"
	var parts []string
	for {
		_, after, ok := strings.Cut(text, open)
		if !ok {
			break
		}
		inner, rest, ok := strings.Cut(after, end)
		if !ok {
			break
		}
		parts = append(parts, inner)
		text = rest
	}
	return strings.Join(parts, "\n")
}

// guard applies one guardrail to one stream: it is a pure state machine
// over the model's events, so it can be tested without a model. In sync
// mode (Bedrock's default) text is held in chunks and each chunk is
// assessed before it leaves, masked if it must be; in async mode text
// leaves at once and is assessed as it goes, so an intervention comes
// after the text that caused it and nothing is masked.
type guard struct {
	g        *guardrail
	async    bool
	full     bool // the caller asked for the full trace
	trace    rockstream.GuardrailTrace
	start    time.Time
	now      func() time.Time
	input    int // input tokens, from MessageStart
	output   int // deltas seen
	held     strings.Builder
	heldAt   int // index of the block the held text belongs to
	pieces   int // pieces held
	released string
	model    strings.Builder // the model's own text, for the full trace
	done     bool
}

func newGuard(g *guardrail, req *rockstream.Request, now func() time.Time) *guard {
	cfg := req.Guardrail
	trace := strings.ToLower(cfg.Trace)
	return &guard{
		g: g, async: strings.EqualFold(cfg.StreamProcessingMode, "async"), full: trace == "enabled_full",
		trace: rockstream.GuardrailTrace{ID: guardrailID(cfg.Identifier), Traced: trace == "enabled" || trace == "enabled_full",
			ActionReason: reasonNone},
		start: now(), now: now,
	}
}

// checkInput assesses the prompt; it reports whether the guardrail
// blocks it, in which case blockedInput is the whole answer.
func (gd *guard) checkInput(req *rockstream.Request) bool {
	v := gd.g.assess(guardedInput(req), true)
	gd.trace.Input = &v.assessment
	if v.intervened() {
		gd.trace.Intervened, gd.trace.ActionReason = true, v.reason()
	}
	return v.blocked
}

// blockedInput is the answer to a blocked prompt: the blocked message as
// the model's text, stopped for guardrail_intervened, with no output
// tokens charged.
func (gd *guard) blockedInput(messageID, model string, inputTokens int) []rockstream.Event {
	gd.done = true
	return []rockstream.Event{
		rockstream.MessageStart{ID: messageID, Model: model, Usage: rockstream.Usage{InputTokens: inputTokens}},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: gd.g.blockedInput},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopGuardrail},
		gd.metadata(rockstream.Usage{InputTokens: inputTokens}, rockstream.Metrics{}),
	}
}

// filter turns one model event into what the caller gets. After an
// intervention it returns the closing events and done is set: the model
// must stop.
func (gd *guard) filter(ev rockstream.Event) []rockstream.Event {
	switch e := ev.(type) {
	case rockstream.MessageStart:
		gd.input = e.Usage.InputTokens
	case rockstream.TextDelta:
		gd.output++
		gd.model.WriteString(e.Text)
		if gd.async {
			return gd.assessAsync(e)
		}
		if gd.held.Len() > 0 && gd.heldAt != e.Index {
			if out := gd.flush(); gd.done {
				return out
			}
		}
		gd.heldAt = e.Index
		gd.held.WriteString(e.Text)
		if gd.pieces++; gd.pieces < syncChunkPieces {
			return nil
		}
		return gd.flush()
	case rockstream.ToolInputDelta, rockstream.ReasoningDelta:
		gd.output++
	case rockstream.Metadata:
		e.Guardrail = gd.result()
		return []rockstream.Event{e}
	}
	// Any other event ends a held chunk first.
	out := gd.flush()
	if gd.done {
		return out
	}
	return append(out, ev)
}

// flush assesses and releases the held chunk, or intervenes.
func (gd *guard) flush() []rockstream.Event {
	if gd.held.Len() == 0 {
		return nil
	}
	text := gd.held.String()
	gd.held.Reset()
	gd.pieces = 0
	v := gd.g.assess(text, true)
	if !v.blocked {
		// A phrase split between the last chunk and this one.
		v.blocked = gd.g.assess(tail(gd.released, contextChars)+text, false).blocked
	}
	gd.trace.Outputs = append(gd.trace.Outputs, v.assessment)
	if v.blocked {
		return gd.intervene(gd.heldAt, v)
	}
	if v.intervened() {
		gd.trace.Intervened, gd.trace.ActionReason = true, v.reason()
	}
	gd.released = tail(gd.released+v.masked, contextChars)
	return []rockstream.Event{rockstream.TextDelta{Index: gd.heldAt, Text: v.masked}}
}

// assessAsync releases a delta at once, then assesses it with the text
// before it.
func (gd *guard) assessAsync(e rockstream.TextDelta) []rockstream.Event {
	v := gd.g.assess(tail(gd.released, contextChars)+e.Text, false)
	gd.released = tail(gd.released+e.Text, contextChars)
	if !v.blocked {
		return []rockstream.Event{e}
	}
	gd.trace.Outputs = append(gd.trace.Outputs, v.assessment)
	return append([]rockstream.Event{e}, gd.intervene(e.Index, v)...)
}

// intervene replaces the rest of the answer with the blocked message and
// ends the stream for guardrail_intervened.
func (gd *guard) intervene(index int, v verdict) []rockstream.Event {
	gd.done = true
	gd.trace.Intervened, gd.trace.ActionReason = true, v.reason()
	usage := rockstream.Usage{InputTokens: gd.input, OutputTokens: gd.output}
	return []rockstream.Event{
		rockstream.TextDelta{Index: index, Text: gd.g.blockedOutput},
		rockstream.BlockStop{Index: index},
		rockstream.MessageStop{StopReason: rockstream.StopGuardrail},
		gd.metadata(usage, rockstream.Metrics{InvocationLatency: gd.now().Sub(gd.start)}),
	}
}

func (gd *guard) metadata(u rockstream.Usage, m rockstream.Metrics) rockstream.Metadata {
	return rockstream.Metadata{Usage: u, Metrics: m, Guardrail: gd.result()}
}

// result is the trace as it stands.
func (gd *guard) result() *rockstream.GuardrailTrace {
	t := gd.trace
	if gd.full && t.Intervened {
		t.ModelOutput = []string{gd.model.String()}
	}
	return &t
}

// wrap puts the guard between the model and yield: it stops the model
// once the guard has intervened.
func (gd *guard) wrap(yield func(rockstream.Event, error) bool) func(rockstream.Event, error) bool {
	return func(ev rockstream.Event, err error) bool {
		if err != nil {
			return yield(nil, err)
		}
		for _, out := range gd.filter(ev) {
			if !yield(out, nil) {
				return false
			}
		}
		return !gd.done
	}
}

// tail is the last n bytes of s, cut at a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	for len(s) > 0 && s[0]&0xC0 == 0x80 {
		s = s[1:]
	}
	return s
}
