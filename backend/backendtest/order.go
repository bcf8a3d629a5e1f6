package backendtest

import (
	"errors"
	"fmt"

	"github.com/rockstream/rockstream"
)

// blockState is where one content block is in its life.
type blockState int

const (
	unopened blockState = iota
	open
	closed
)

// CheckOrder reports every way evs, the events of one stream so far,
// break the order rockstream.Event documents: MessageStart first and
// once; a block opened (by BlockStart, or for text and reasoning by its
// first delta) before its deltas, its deltas of its own kind, BlockStop
// after them and once; every block closed before MessageStop; after
// MessageStop only Metadata; Metadata last and once. A stream cut short
// passes: CheckComplete asks for the end.
func CheckOrder(evs []rockstream.Event) error {
	var errs []error
	bad := func(i int, ev rockstream.Event, format string, args ...any) {
		errs = append(errs, fmt.Errorf("event %d %s: %s", i, describe(ev), fmt.Sprintf(format, args...)))
	}
	state := map[int]blockState{}
	kind := map[int]rockstream.BlockType{}
	var stopped, meta bool
	for i, ev := range evs {
		if ev == nil {
			bad(i, ev, "a nil event yielded without an error")
			continue
		}
		if _, ok := ev.(rockstream.MessageStart); !ok && i == 0 {
			bad(i, ev, "the first event is not MessageStart")
		}
		if meta {
			bad(i, ev, "comes after Metadata, which must be last")
		}
		if _, ok := ev.(rockstream.Metadata); !ok && stopped {
			bad(i, ev, "comes after MessageStop; only Metadata may")
		}
		switch e := ev.(type) {
		case rockstream.MessageStart:
			if i != 0 {
				bad(i, ev, "MessageStart again, or not first")
			}
		case rockstream.BlockStart:
			if e.Index < 0 || state[e.Index] != unopened {
				bad(i, ev, "block %d was already opened", e.Index)
				continue
			}
			if e.Type == "" {
				bad(i, ev, "BlockStart without a type")
			}
			state[e.Index], kind[e.Index] = open, e.Type
		case rockstream.TextDelta:
			delta(e.Index, rockstream.BlockText, true, state, kind, func(f string, a ...any) { bad(i, ev, f, a...) })
		case rockstream.ReasoningDelta:
			delta(e.Index, rockstream.BlockThinking, true, state, kind, func(f string, a ...any) { bad(i, ev, f, a...) })
		case rockstream.SignatureDelta:
			delta(e.Index, rockstream.BlockThinking, true, state, kind, func(f string, a ...any) { bad(i, ev, f, a...) })
		case rockstream.ToolInputDelta:
			delta(e.Index, rockstream.BlockToolUse, false, state, kind, func(f string, a ...any) { bad(i, ev, f, a...) })
		case rockstream.BlockStop:
			if state[e.Index] != open {
				bad(i, ev, "block %d is not open", e.Index)
			}
			state[e.Index] = closed
		case rockstream.MessageStop:
			if stopped {
				bad(i, ev, "a second MessageStop")
			}
			for idx, s := range state {
				if s == open {
					bad(i, ev, "block %d is still open", idx)
				}
			}
			stopped = true
		case rockstream.Metadata:
			if !stopped {
				bad(i, ev, "Metadata before MessageStop")
			}
			meta = true
		}
	}
	return errors.Join(errs...)
}

// delta checks a delta for block idx of type want; implicit says whether
// the delta may open the block itself.
func delta(idx int, want rockstream.BlockType, implicit bool, state map[int]blockState, kind map[int]rockstream.BlockType, bad func(string, ...any)) {
	switch state[idx] {
	case unopened:
		if !implicit || idx < 0 {
			bad("block %d was never opened with BlockStart", idx)
			return
		}
		state[idx], kind[idx] = open, want
	case closed:
		bad("block %d was already stopped", idx)
		return
	}
	if kind[idx] != want {
		bad("a %s delta in block %d, which is %s", want, idx, kind[idx])
	}
}

// CheckComplete reports what a stream that ended without an error lacks:
// a valid order (CheckOrder), MessageStop with a stop reason, Metadata
// last, some text, and usage (input and output tokens).
func CheckComplete(evs []rockstream.Event) error {
	errs := []error{CheckOrder(evs)}
	var acc rockstream.Accumulator
	var stop *rockstream.MessageStop
	var meta bool
	for _, ev := range evs {
		if ev == nil {
			continue
		}
		acc.Add(ev)
		switch e := ev.(type) {
		case rockstream.MessageStop:
			stop = &e
		case rockstream.Metadata:
			meta = true
		}
	}
	switch {
	case stop == nil:
		errs = append(errs, errors.New("the stream ended without an error but never delivered MessageStop"))
	case stop.StopReason == "":
		errs = append(errs, errors.New("MessageStop has no stop reason"))
	}
	if !meta {
		errs = append(errs, errors.New("the stream ended without Metadata: usage was not reported"))
	}
	if acc.Text() == "" {
		errs = append(errs, errors.New("the answer has no text"))
	}
	if u := acc.Usage(); u.InputTokens <= 0 || u.OutputTokens <= 0 {
		errs = append(errs, fmt.Errorf("usage reported %d input and %d output tokens; want both above zero", u.InputTokens, u.OutputTokens))
	}
	return errors.Join(errs...)
}

// describe names an event for a failure message.
func describe(ev rockstream.Event) string {
	if ev == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%T%+v", ev, ev)
}
