package gateway

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// journal is one resumable stream: the events its producer encoded,
// numbered from 1, kept so a reader that reconnects with Last-Event-ID
// gets the rest without a second upstream call. It holds at most max
// events; the oldest are dropped only once a reader has been sent them,
// otherwise the producer waits, so a slow reader slows the upstream.
type journal struct {
	id    string
	owner string // the API key that started the stream, "" without keys
	d     dialect

	// Owned by the store, under its lock: what the journal is charged
	// against the store's bounds, and its place in the eviction order.
	charge int64
	elem   *list.Element

	mu        sync.Mutex
	frames    []relay.Item // events base+1 … base+len(frames), with IDs
	base      int64
	delivered int64 // the highest event sent to a reader
	max       int
	bytes     int64 // what frames and the journal itself hold
	maxBytes  int64
	done      bool
	preErr    *rockstream.Error // the backend failed before the stream began
	aborted   bool              // the backend asked to drop the connection
	changed   chan struct{}     // closed and replaced on every change
	readers   int
	expiry    *time.Timer // retention, from when the last reader left
	grace     *time.Timer // the Grace policy's window
	cancel    context.CancelCauseFunc

	// A journal mirrored to Redis may forget events the mirror has
	// written even when no reader here was sent them: readers elsewhere
	// get them from Redis.
	mirroring bool
	mirrored  int64 // the highest event written to Redis
}

var (
	errReaderLeft = errors.New("gateway: the reader disconnected")
	errExpired    = errors.New("gateway: resume window expired")
	errStopped    = errors.New("gateway: the client stopped the stream")
)

// What the store counts for a journal beyond its events' bytes: an
// item's fields, and the journal's own state. Close to what the heap
// holds, so the bounds mean memory.
const (
	itemOverhead    = 64
	journalOverhead = 1024
)

func itemBytes(it relay.Item) int64 {
	return int64(len(it.Data)+len(it.Name)+len(it.ID)) + itemOverhead
}

// newJournal is a journal of at most max events, with one reader (the
// one that started the stream) and no bound on bytes until the store's.
func newJournal(id string, d dialect, max int, cancel context.CancelCauseFunc) *journal {
	return &journal{id: id, d: d, max: max, maxBytes: math.MaxInt64, bytes: journalOverhead,
		cancel: cancel, changed: make(chan struct{}), readers: 1}
}

// signal wakes everyone waiting on a change; the caller holds mu.
func (j *journal) signal() {
	close(j.changed)
	j.changed = make(chan struct{})
}

// append adds events, numbering them, and waits while the journal is full
// (of events or bytes) of events no reader has been sent. An event bigger
// than the byte bound is kept alone.
func (j *journal) append(ctx context.Context, evs []relay.Item) error {
	for _, ev := range evs {
		j.mu.Lock()
		ev.ID = j.nextID()
		size := itemBytes(ev)
		for len(j.frames) >= j.max || (len(j.frames) > 0 && j.bytes+size > j.maxBytes) {
			if j.spent() {
				j.dropOldest()
				continue
			}
			wait := j.changed
			j.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			j.mu.Lock()
		}
		j.add(ev)
		j.mu.Unlock()
	}
	return nil
}

// appendFinal adds a stream's last events regardless of the bound, since
// the producer cannot wait for a reader that may never come back.
func (j *journal) appendFinal(evs []relay.Item) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, ev := range evs {
		j.add(ev)
	}
}

// spent reports whether the oldest event may be forgotten: a reader here
// was sent it, or none is here and the mirror has it; and a working mirror
// has written it. The caller holds mu.
func (j *journal) spent() bool {
	if j.mirroring && j.mirrored <= j.base {
		return false
	}
	return j.delivered > j.base || (j.mirroring && j.readers == 0)
}

// mirroredTo records that the events up to seq are in Redis.
func (j *journal) mirroredTo(seq int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq > j.mirrored {
		j.mirrored = seq
		j.signal()
	}
}

// setMirroring turns the mirror's say in what may be forgotten on or off
// (off when Redis failed: the journal is this replica's alone again).
func (j *journal) setMirroring(on bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.mirroring = on
	j.signal()
}

// keeps reports whether the events after seq are all still here.
func (j *journal) keeps(after int64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return after >= j.base
}

// stopTimers stops the grace and retention clocks; the caller holds mu.
func (j *journal) stopTimers() {
	for _, t := range []**time.Timer{&j.expiry, &j.grace} {
		if *t != nil {
			(*t).Stop()
			*t = nil
		}
	}
}

func (j *journal) streamID() string       { return j.id }
func (j *journal) streamDialect() dialect { return j.d }

func (j *journal) newestID(context.Context) (int64, error) { return j.lastID(), nil }

// nextID is the ID of the next event; the caller holds mu.
func (j *journal) nextID() string { return strconv.FormatInt(j.last()+1, 10) }

// last is the ID of the newest event, 0 before the first; the caller
// holds mu.
func (j *journal) last() int64 { return j.base + int64(len(j.frames)) }

// add numbers a copy of ev and appends it; the caller holds mu.
func (j *journal) add(ev relay.Item) {
	ev.Data = bytes.Clone(ev.Data)
	ev.ID = j.nextID()
	j.frames = append(j.frames, ev)
	j.bytes += itemBytes(ev)
	j.signal()
}

// dropOldest forgets the oldest event; the caller holds mu.
func (j *journal) dropOldest() {
	j.bytes -= itemBytes(j.frames[0])
	j.frames[0] = relay.Item{}
	j.frames = j.frames[1:]
	j.base++
}

// lastID is the ID of the newest event so far, 0 before the first.
func (j *journal) lastID() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last()
}

// held is what the journal holds, in bytes.
func (j *journal) held() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}

// finish marks the end of the producer's stream; only the first call
// counts.
func (j *journal) finish(preErr *rockstream.Error, aborted bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.done {
		return
	}
	j.done, j.preErr, j.aborted = true, preErr, aborted
	j.signal()
}

// errGone is returned for a Last-Event-ID older than the journal keeps.
var errGone = errors.New("gateway: events before the journal's oldest are gone")

// read returns the events after seq, waiting for some unless the stream
// is done. done is set, with no events, at the end.
func (j *journal) read(ctx context.Context, after int64) (evs []relay.Item, done bool, err error) {
	j.mu.Lock()
	for {
		if after < j.base {
			j.mu.Unlock()
			return nil, false, errGone
		}
		if after < j.last() {
			evs = append(evs, j.frames[after-j.base:]...)
			j.mu.Unlock()
			return evs, false, nil
		}
		if j.done {
			j.mu.Unlock()
			return nil, true, nil
		}
		wait := j.changed
		j.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false, context.Cause(ctx)
		}
		j.mu.Lock()
	}
}

// sent records that a reader was sent the events up to seq.
func (j *journal) sent(seq int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq > j.delivered {
		j.delivered = seq
		j.signal()
	}
}

func (j *journal) outcome() (preErr *rockstream.Error, aborted bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.preErr, j.aborted
}
