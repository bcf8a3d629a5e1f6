package gateway

import (
	"context"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// journalStore keeps the journals that make streams resumable: the ones
// this replica's producers write, and (with Redis) those of every replica.
// memoryJournals keeps them in this process; redisJournals shares them.
type journalStore interface {
	// admit makes the journal of a new stream of key, which this
	// replica's producer writes; false when the bounds leave no room, and
	// then the stream runs without one.
	admit(id, key string, d dialect, cancel context.CancelCauseFunc) (*journal, bool)
	// finished is told when j's producer is done.
	finished(j *journal)
	// attach finds stream id of key for a reader that resumes after
	// event after, and counts the reader; another key's stream is as
	// absent as a missing one.
	attach(ctx context.Context, id, key string, after int64) (follower, bool)
	// detach counts a reader of f gone; the disconnect policy starts
	// when the last one leaves.
	detach(f follower)
	// stop ends stream id of key at its client's request, wherever it
	// runs; false when there is no such stream.
	stop(ctx context.Context, id, key string) bool
	// clear forgets every journal, after shutdown.
	clear()
}

// follower is what a reader follows: a journal in this process, or one in
// Redis that another replica may still be writing.
type follower interface {
	streamID() string
	streamDialect() dialect
	// read returns the events after seq, waiting for some unless the
	// stream is done; done is set, with no events, at the end.
	read(ctx context.Context, after int64) (evs []relay.Item, done bool, err error)
	// sent records that the reader was sent the events up to seq.
	sent(seq int64)
	// outcome is how the producer ended, once read reported done.
	outcome() (preErr *rockstream.Error, aborted bool)
	// newestID is the ID of the newest event so far, 0 before the first.
	newestID(ctx context.Context) (int64, error)
}

var (
	_ journalStore = (*memoryJournals)(nil)
	_ follower     = (*journal)(nil)
)
