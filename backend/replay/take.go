package replay

import (
	"errors"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// take is one stream being recorded. The stream's goroutine adds events;
// whoever claims it first (the stream's end or the recorder's Close)
// writes it.
type take struct {
	mu      sync.Mutex
	rec     *Recording // request and start; events and outcome come at the claim
	events  []takeEvent
	size    int64 // rough bytes of the events, to stop holding a huge stream
	last    time.Time
	stop    rockstream.StopReason
	tooLong bool
	claimed bool
}

type takeEvent struct {
	afterMS float64
	ev      rockstream.Event
}

// eventOverhead is roughly what one event costs in a recording besides
// its text.
const eventOverhead = 96

func (t *take) add(ev rockstream.Event, opts RecordOptions) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tooLong || t.claimed {
		return
	}
	t.events = append(t.events, takeEvent{afterMS: ms(now.Sub(t.last)), ev: ev})
	t.last = now
	t.size += eventOverhead + int64(textLen(ev))
	if s, ok := ev.(rockstream.MessageStop); ok {
		t.stop = s.StopReason
	}
	if len(t.events) > opts.MaxEvents || t.size > opts.MaxFileBytes {
		t.tooLong, t.events = true, nil
	}
}

// claim ends the take with err and returns its recording, redacted; ok
// is false when it was claimed already, and the recording nil when the
// stream was too long to record.
func (t *take) claim(err error, now time.Time) (rec *Recording, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.claimed {
		return nil, false
	}
	t.claimed = true
	if t.tooLong {
		return nil, true
	}
	c := *t.rec
	c.Outcome = RecordedOutcome{Kind: string(rockstream.Classify(t.stop, err)), AfterMS: ms(now.Sub(t.last))}
	switch {
	case errors.Is(err, rockstream.ErrAbort):
		c.Outcome.Kind = outcomeAbort
	case c.Outcome.Kind == string(rockstream.Failed):
		c.Outcome.Error = recordError(err)
		c.Outcome.Error.Message = Redact(c.Outcome.Error.Message)
	}
	redactEvents(t.events)
	for _, te := range t.events {
		if b, err := rockstream.MarshalEvent(te.ev); err == nil {
			c.Events = append(c.Events, RecordedEvent{AfterMS: te.afterMS, Event: b})
		}
	}
	t.events = nil
	return &c, true
}

// textLen is the length of the text an event carries.
func textLen(ev rockstream.Event) int {
	switch e := ev.(type) {
	case rockstream.TextDelta:
		return len(e.Text)
	case rockstream.ToolInputDelta:
		return len(e.PartialJSON)
	case rockstream.ReasoningDelta:
		return len(e.Text)
	case rockstream.SignatureDelta:
		return len(e.Signature)
	case rockstream.BlockStart:
		return len(e.ToolUseID) + len(e.Name) + len(e.Data)
	case rockstream.MessageStart:
		return len(e.ID) + len(e.Model)
	case rockstream.MessageStop:
		return len(e.StopSequence)
	}
	return 0
}

// redactEvents removes secrets from the model's output: the text of each
// block's deltas is redacted as one text, so a key streamed across
// several deltas is caught, and every delta stays in place.
func redactEvents(evs []takeEvent) {
	byBlock := map[int][]int{} // block index → positions of its deltas
	var order []int
	for i, te := range evs {
		var idx int
		switch e := te.ev.(type) {
		case rockstream.TextDelta:
			idx = e.Index
		case rockstream.ToolInputDelta:
			idx = e.Index
		case rockstream.ReasoningDelta:
			idx = e.Index
		default:
			continue
		}
		if _, seen := byBlock[idx]; !seen {
			order = append(order, idx)
		}
		byBlock[idx] = append(byBlock[idx], i)
	}
	for _, idx := range order {
		pos := byBlock[idx]
		pieces := make([]string, len(pos))
		for j, p := range pos {
			pieces[j] = deltaText(evs[p].ev)
		}
		for j, text := range redactPieces(pieces) {
			evs[pos[j]].ev = withDeltaText(evs[pos[j]].ev, text)
		}
	}
}

func deltaText(ev rockstream.Event) string {
	switch e := ev.(type) {
	case rockstream.TextDelta:
		return e.Text
	case rockstream.ToolInputDelta:
		return e.PartialJSON
	case rockstream.ReasoningDelta:
		return e.Text
	}
	return ""
}

func withDeltaText(ev rockstream.Event, text string) rockstream.Event {
	switch e := ev.(type) {
	case rockstream.TextDelta:
		e.Text = text
		return e
	case rockstream.ToolInputDelta:
		e.PartialJSON = text
		return e
	case rockstream.ReasoningDelta:
		e.Text = text
		return e
	}
	return ev
}
