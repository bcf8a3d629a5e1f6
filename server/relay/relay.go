// Package relay owns rockstream's stream contract once, for every frontend:
// a Source of wire items (a backend's events through a dialect's Encoder,
// a resume journal, or frames passed through unchanged) is copied to a Sink
// (an event-stream response, an SSE response, a journal) by Run, the one
// relay loop in the tree.
//
// Run decides, the same way for every dialect: a failure before the first
// byte is a real status in the caller's protocol, a failure after it is the
// dialect's in-band error after everything already encoded; a backend that
// asks for an abort gets a cut connection; a reader that leaves cancels the
// upstream; shutdown ends the stream with a terminal error; a silent
// stream gets keepalives.
package relay

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/rockstream/rockstream"
)

// Kind says what an Item is on the wire.
type Kind uint8

const (
	// Event is a stream event: an event-stream event frame (Name is its
	// :event-type) or an SSE event (Name is its event field, may be empty).
	Event Kind = iota
	// Exception is an event-stream exception frame; Name is its
	// :exception-type.
	Exception
	// Frame is a whole event-stream frame, already encoded, written as is.
	Frame
)

// Item is one unit a Sink writes. Data is only valid until the Source's
// next call: a Sink that keeps items copies them.
type Item struct {
	Kind Kind
	Name string
	Data []byte
	// ID is the SSE event ID; a Sink that numbers events leaves a set one.
	ID string
}

// Ready is a Source (or Encoder) that can tell its next items have
// already arrived, so the ones it just returned need no flush of their own.
type Ready interface{ Ready() bool }

// Source yields a stream's items in order. Next returns the next batch
// (the items of one event, which leave in one write); at the end it
// returns io.EOF after a clean end, or the failure. Fail gives the in-band
// items that report e once the stream has begun. Close frees what the
// source holds (the upstream request).
type Source interface {
	Next(ctx context.Context) ([]Item, error)
	Fail(e *rockstream.Error) []Item
	Close()
}

// Sink is where a stream's items go. Write sends a batch, flushed unless
// flush is false: then the source's next items have already arrived and
// the batch may wait to leave with them in one write (never longer);
// Final sends the stream's last items even where Write would wait (a full
// journal). Respond answers with e as a whole error response if nothing
// is committed yet, and reports whether it did. Keepalive tells a silent
// reader the stream is alive (nil where the protocol has no keepalive).
// Abort leaves what a cut connection leaves.
type Sink interface {
	Write(items []Item, flush bool) error
	Final(items []Item) error
	Started() bool
	Respond(e *rockstream.Error) bool
	Keepalive() error
	Abort()
	Close()
}

// Outcome is how a Run ended.
type Outcome uint8

const (
	Complete Outcome = iota // the source ended cleanly and all was written
	Failed                  // the failure was reported, by status or in band
	Aborted                 // the connection must be cut (http.ErrAbortHandler)
	Gone                    // the reader left; nobody to tell
)

func (o Outcome) String() string {
	return [...]string{"complete", "failed", "aborted", "gone"}[o]
}

// Result is what a Run did.
type Result struct {
	Outcome Outcome
	// Err is the failure reported (Failed) or the cause (Gone, Aborted).
	Err error
	// Batches counts the batches the source produced.
	Batches int
}

// ErrReaderGone is the cancel cause when a write to the reader failed.
var ErrReaderGone = errors.New("relay: the reader is gone")

// Stream is one run's parts.
type Stream struct {
	Source Source
	Sink   Sink
	// Cancel cancels the context the source's upstream runs under; Run
	// calls it with ErrReaderGone when a write fails.
	Cancel context.CancelCauseFunc
	// Keepalive is the silence after which the sink's Keepalive is sent;
	// zero sends none.
	Keepalive time.Duration
	// Told maps the cause of a cancelled context to what the reader is
	// told; tell false means nobody is told (the reader left). Nil uses
	// DefaultTold.
	Told func(cause error) (e *rockstream.Error, tell bool)
}

// DefaultTold tells a reader about shutdown and nothing else: any other
// cancellation means the reader itself left.
func DefaultTold(cause error) (*rockstream.Error, bool) {
	if errors.Is(cause, ErrShutdown) {
		return ShutdownError(), true
	}
	return nil, false
}

// Run copies s.Source to s.Sink under ctx (the context s.Cancel cancels)
// until the source ends, fails, or the reader leaves, and reports the
// one outcome. The caller of an HTTP sink panics with http.ErrAbortHandler
// on Aborted.
func Run(ctx context.Context, s Stream) Result {
	g := guard(s.Sink, s.Keepalive, s.Cancel)
	defer s.Sink.Close()
	defer g.stop()
	defer s.Source.Close()
	var res Result
	held := false // the last write waits for a flush
	for {
		items, err := s.Source.Next(ctx)
		if err == io.EOF {
			res.Outcome = Complete
			if held {
				if werr := g.write(nil, true); werr != nil {
					res.Outcome, res.Err = Gone, werr
				}
			}
			return res
		}
		if err != nil {
			return s.end(ctx, g, res, err)
		}
		res.Batches++
		if len(items) == 0 {
			continue
		}
		held = ready(s.Source)
		if werr := g.write(items, !held); werr != nil {
			// The write failure cancelled ctx: end says whom to tell.
			return s.end(ctx, g, res, werr)
		}
	}
}

func ready(src Source) bool {
	r, ok := src.(Ready)
	return ok && r.Ready()
}

// end reports a failure: abort, nobody to tell, a status before the
// first byte, or the in-band error after it.
func (s Stream) end(ctx context.Context, g *guarded, res Result, err error) Result {
	if errors.Is(err, rockstream.ErrAbort) {
		g.stop()
		s.Sink.Abort()
		res.Outcome, res.Err = Aborted, err
		return res
	}
	e := rockstream.AsError(err)
	if ctx.Err() != nil {
		told := s.Told
		if told == nil {
			told = DefaultTold
		}
		cause := context.Cause(ctx)
		te, tell := told(cause)
		if !tell {
			res.Outcome, res.Err = Gone, cause
			return res
		}
		e = te
	}
	res.Outcome, res.Err = Failed, e
	if g.respond(e) {
		return res
	}
	if werr := g.final(s.Source.Fail(e)); werr != nil {
		res.Outcome = Gone
	}
	return res
}
