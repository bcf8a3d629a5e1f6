package gateway

import (
	"bytes"
	"context"
	"errors"
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
	id string
	d  dialect

	mu        sync.Mutex
	frames    []relay.Item // events base+1 … base+len(frames), with IDs
	base      int64
	delivered int64 // the highest event sent to a reader
	max       int
	done      bool
	preErr    *rockstream.Error // the backend failed before the stream began
	aborted   bool              // the backend asked to drop the connection
	changed   chan struct{}     // closed and replaced on every change
	readers   int
	expiry    *time.Timer
	cancel    context.CancelCauseFunc
}

var (
	errReaderLeft = errors.New("gateway: the reader disconnected")
	errExpired    = errors.New("gateway: resume window expired")
	errStopped    = errors.New("gateway: the client stopped the stream")
)

func newJournal(id string, d dialect, max int, cancel context.CancelCauseFunc) *journal {
	return &journal{id: id, d: d, max: max, cancel: cancel, changed: make(chan struct{}), readers: 1}
}

// signal wakes everyone waiting on a change; the caller holds mu.
func (j *journal) signal() {
	close(j.changed)
	j.changed = make(chan struct{})
}

// append adds events, numbering them, and waits while the journal is full
// of events no reader has been sent.
func (j *journal) append(ctx context.Context, evs []relay.Item) error {
	for _, ev := range evs {
		j.mu.Lock()
		for len(j.frames) >= j.max {
			if j.delivered > j.base {
				j.frames[0] = relay.Item{}
				j.frames = j.frames[1:]
				j.base++
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

// add numbers a copy of ev and appends it; the caller holds mu.
func (j *journal) add(ev relay.Item) {
	ev.Data = bytes.Clone(ev.Data)
	ev.ID = strconv.FormatInt(j.base+int64(len(j.frames))+1, 10)
	j.frames = append(j.frames, ev)
	j.signal()
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
		if n := j.base + int64(len(j.frames)); after < n {
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

// journalStore holds the resumable streams by ID.
type journalStore struct {
	mu sync.Mutex
	m  map[string]*journal
}

func newJournalStore() *journalStore { return &journalStore{m: map[string]*journal{}} }

func (s *journalStore) add(j *journal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[j.id] = j
}

// attach finds a journal and counts a new reader of it.
func (s *journalStore) attach(id string) (*journal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.m[id]
	if !ok {
		return nil, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.readers++
	if j.expiry != nil {
		j.expiry.Stop()
		j.expiry = nil
	}
	return j, true
}

// detach counts a reader gone. The last one to leave cancels the upstream
// under the Cancel policy, and starts the retention clock: when it runs
// out, the producer is stopped and the journal forgotten.
func (s *journalStore) detach(j *journal, policy DisconnectPolicy, retention time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.readers--
	if j.readers > 0 {
		return
	}
	if !j.done && policy == Cancel {
		j.cancel(errReaderLeft)
	}
	j.expiry = time.AfterFunc(retention, func() {
		j.cancel(errExpired)
		s.mu.Lock()
		if s.m[j.id] == j {
			delete(s.m, j.id)
		}
		s.mu.Unlock()
	})
}

// clear forgets every journal, after shutdown.
func (s *journalStore) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, j := range s.m {
		j.mu.Lock()
		if j.expiry != nil {
			j.expiry.Stop()
		}
		j.mu.Unlock()
		j.cancel(relay.ErrShutdown)
		delete(s.m, id)
	}
}

// stop cancels a stream's producer at its client's request and forgets
// the journal; false if there is no such stream.
func (s *journalStore) stop(id string) bool {
	s.mu.Lock()
	j, ok := s.m[id]
	delete(s.m, id)
	s.mu.Unlock()
	if !ok {
		return false
	}
	j.cancel(errStopped)
	return true
}
