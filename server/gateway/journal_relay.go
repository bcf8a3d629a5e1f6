package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// journalSink is the relay's sink for a resumable stream's producer: the
// journal, whose Write waits while it is full of events no reader has been
// sent, so a slow reader slows the upstream.
type journalSink struct {
	j     *journal
	ctx   context.Context // the producer's; a wait ends with it
	store journalStore    // told when the stream is done
}

var _ relay.Sink = journalSink{}

func (s journalSink) Write(items []relay.Item, _ bool) error { return s.j.append(s.ctx, items) }

// Final adds the last events regardless of the bound: the producer cannot
// wait for a reader that may never come back.
func (s journalSink) Final(items []relay.Item) error {
	s.j.appendFinal(items)
	return nil
}

func (s journalSink) Started() bool { return s.j.lastID() > 0 }

// Respond records a failure before the first event, which every reader
// then gets as a real status.
func (s journalSink) Respond(e *rockstream.Error) bool {
	s.j.finish(e, false)
	return true
}

func (s journalSink) Keepalive() error { return nil }
func (s journalSink) Abort()           { s.j.finish(nil, true) }

// Close marks the end, which Run always reaches last, and lets the store
// charge the journal what it holds.
func (s journalSink) Close() {
	s.j.finish(nil, false)
	s.store.finished(s.j)
}

// journalSource is the relay's source for one reader of a journal: the
// events after a Last-Event-ID, then the rest live.
type journalSource struct {
	j       follower
	after   int64
	pending int64 // the last event handed out, not yet known sent
}

var _ relay.Source = (*journalSource)(nil)

func (s *journalSource) Next(ctx context.Context) ([]relay.Item, error) {
	if s.pending > s.after {
		s.after = s.pending
		s.j.sent(s.after)
	}
	evs, done, err := s.j.read(ctx, s.after)
	switch {
	case errors.Is(err, errGone):
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, StatusCode: http.StatusGone,
			Message: "The events after Last-Event-ID " + strconv.FormatInt(s.after, 10) + " are no longer kept."}
	case err != nil:
		return nil, err
	case done:
		preErr, aborted := s.j.outcome()
		if aborted {
			return nil, rockstream.ErrAbort
		}
		if preErr != nil {
			return nil, preErr
		}
		return nil, io.EOF
	}
	s.pending, _ = strconv.ParseInt(evs[len(evs)-1].ID, 10, 64)
	return evs, nil
}

func (s *journalSource) Fail(e *rockstream.Error) []relay.Item {
	return []relay.Item{s.j.streamDialect().inBandItem(e)}
}

func (s *journalSource) Close() {}
