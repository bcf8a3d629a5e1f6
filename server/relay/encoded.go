package relay

import (
	"context"
	"io"
	"iter"

	"github.com/rockstream/rockstream"
)

// Encoder is the one shape every dialect's stream encoder has: each
// neutral event becomes zero or more wire items, a clean end may add some
// (a Converse metadata event, OpenAI's [DONE]), and a failure after the
// stream began becomes the dialect's in-band error.
type Encoder interface {
	Encode(dst []Item, ev rockstream.Event) ([]Item, error)
	End(dst []Item) ([]Item, error)
	Fail(dst []Item, e *rockstream.Error) []Item
}

// Encoded is a Source that runs a backend's stream through an Encoder.
type Encoded struct {
	next    func() (rockstream.Event, error, bool)
	stop    func()
	enc     Encoder
	buf     []Item
	stopped bool // MessageStop was seen
	ended   bool
	// Observe, if set, sees each event before it is encoded (a frontend
	// sets response headers from MessageStart before anything commits).
	Observe func(rockstream.Event)
	// Events counts the backend's events so far.
	Events int
}

// NewEncoded starts req on b under ctx. Close (which Run calls) ends the
// backend's stream.
func NewEncoded(ctx context.Context, b rockstream.Backend, req *rockstream.Request, enc Encoder) *Encoded {
	return FromSeq(b.Stream(ctx, req), enc)
}

// FromSeq is NewEncoded over an already started event sequence.
func FromSeq(seq iter.Seq2[rockstream.Event, error], enc Encoder) *Encoded {
	next, stop := iter.Pull2(seq)
	return &Encoded{next: next, stop: stop, enc: enc}
}

// Next encodes the backend's next event. A backend whose sequence ends
// without MessageStop and without an error broke its contract: that is a
// failure, never a clean end.
func (s *Encoded) Next(context.Context) ([]Item, error) {
	if s.ended {
		return nil, io.EOF
	}
	ev, err, more := s.next()
	if !more {
		s.ended = true
		if !s.stopped {
			return nil, incomplete()
		}
		items, err := s.enc.End(s.buf[:0])
		s.buf = items
		if err != nil {
			return nil, internal("ending the stream: %v", err)
		}
		return items, nil
	}
	if err != nil {
		s.ended = true
		return nil, err
	}
	s.Events++
	if _, ok := ev.(rockstream.MessageStop); ok {
		s.stopped = true
	}
	if s.Observe != nil {
		s.Observe(ev)
	}
	items, err := s.enc.Encode(s.buf[:0], ev)
	s.buf = items
	if err != nil {
		s.ended = true
		return nil, internal("encoding %T: %v", ev, err)
	}
	return items, nil
}

// Ready reports whether the encoder knows the backend's next unit has
// already arrived (a Passthrough whose backend buffered it).
func (s *Encoded) Ready() bool {
	if s.ended {
		return false
	}
	r, ok := s.enc.(Ready)
	return ok && r.Ready()
}

// Fail is the encoder's in-band error.
func (s *Encoded) Fail(e *rockstream.Error) []Item { return s.enc.Fail(nil, e) }

// Close ends the backend's stream.
func (s *Encoded) Close() { s.stop() }
