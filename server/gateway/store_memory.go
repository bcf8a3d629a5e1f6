package gateway

import (
	"container/list"
	"context"
	"crypto/subtle"
	"errors"
	"sync"
	"time"

	"github.com/rockstream/rockstream/server/relay"
)

// errEvicted stops what is left of a journal forgotten to make room.
var errEvicted = errors.New("gateway: the journal was evicted to make room")

// memoryJournals holds this process's resumable streams by ID, within ResumeOptions'
// bounds on bytes and count, overall and per key. A live journal is
// charged MaxStreamBytes, the most it can hold, so live streams never
// outgrow the bounds; a finished one is charged what it holds.
type memoryJournals struct {
	lim ResumeOptions

	mu    sync.Mutex
	m     map[string]*journal
	order *list.List // oldest first: by admission, moved back when finished
	bytes int64      // the sum of the journals' charges
	keys  map[string]*keyUse

	// followedElsewhere, when set, reports whether a reader on another
	// replica follows j, which then counts as one that came back.
	followedElsewhere func(j *journal) bool
}

// keyUse is what one API key's journals take of the bounds.
type keyUse struct {
	bytes int64
	count int
}

func newMemoryJournals(lim ResumeOptions) *memoryJournals {
	return &memoryJournals{lim: lim.withDefaults(), m: map[string]*journal{}, order: list.New(), keys: map[string]*keyUse{}}
}

// admit makes a journal for stream id of the caller key, forgetting the
// oldest finished journals as needed to stay within the bounds; false
// when live journals alone fill a bound, and then the stream has none.
func (s *memoryJournals) admit(id, key string, d dialect, cancel context.CancelCauseFunc) (*journal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	charge := s.lim.MaxStreamBytes
	for {
		overall := len(s.m)+1 > s.lim.MaxJournals || s.bytes+charge > s.lim.MaxBytes
		perKey := false
		if u := s.keys[key]; key != "" && u != nil {
			perKey = u.count+1 > s.lim.MaxJournalsPerKey || u.bytes+charge > s.lim.MaxBytesPerKey
		}
		if !overall && !perKey {
			break
		}
		// A key over its own bound makes room among its own journals.
		var only *string
		if perKey {
			only = &key
		}
		if !s.evictOldest(only) {
			return nil, false
		}
	}
	j := newJournal(id, d, s.lim.MaxEvents, cancel)
	j.owner, j.maxBytes = key, s.lim.MaxStreamBytes
	s.m[id] = j
	j.elem = s.order.PushBack(j)
	s.charge(j, charge)
	if key != "" {
		s.keys[key].count++
	}
	return j, true
}

// oldestFinished is the oldest journal that no reader follows and whose
// producer is done, of key when key is not nil; nil when there is none.
// The caller holds mu.
func (s *memoryJournals) oldestFinished(key *string) *journal {
	for e := s.order.Front(); e != nil; e = e.Next() {
		j := e.Value.(*journal)
		if key != nil && j.owner != *key {
			continue
		}
		j.mu.Lock()
		idle := j.done && j.readers == 0
		j.mu.Unlock()
		if idle {
			return j
		}
	}
	return nil
}

// charge sets what j is charged against the bounds; the caller holds mu.
func (s *memoryJournals) charge(j *journal, bytes int64) {
	delta := bytes - j.charge
	j.charge = bytes
	s.bytes += delta
	if j.owner == "" {
		return
	}
	u := s.keys[j.owner]
	if u == nil {
		u = &keyUse{}
		s.keys[j.owner] = u
	}
	u.bytes += delta
}

// remove forgets j and what it is charged; the caller holds mu.
func (s *memoryJournals) remove(j *journal) {
	if s.m[j.id] != j {
		return
	}
	delete(s.m, j.id)
	s.order.Remove(j.elem)
	s.charge(j, 0)
	if u := s.keys[j.owner]; u != nil {
		if u.count--; u.count <= 0 {
			delete(s.keys, j.owner)
		}
	}
	j.mu.Lock()
	j.stopTimers()
	j.mu.Unlock()
}

// evict forgets a finished journal to make room; the caller holds mu.
func (s *memoryJournals) evict(j *journal) {
	s.remove(j)
	j.cancel(errEvicted)
}

// finished charges j, whose producer is done, what it holds instead of a
// live stream's share, and makes it the newest of the finished.
func (s *memoryJournals) finished(j *journal) {
	held := j.held()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[j.id] != j {
		return
	}
	s.charge(j, held)
	s.order.MoveToBack(j.elem)
	// Its last events are kept regardless of its bound: if they took the
	// store past one, the oldest finished make room again.
	for s.bytes > s.lim.MaxBytes {
		if !s.evictOldest(nil) {
			break
		}
	}
	for u := s.keys[j.owner]; j.owner != "" && u != nil && u.bytes > s.lim.MaxBytesPerKey; u = s.keys[j.owner] {
		if !s.evictOldest(&j.owner) {
			break
		}
	}
}

// evictOldest evicts the oldest finished journal (of key, if not nil);
// false when there is none. The caller holds mu.
func (s *memoryJournals) evictOldest(key *string) bool {
	victim := s.oldestFinished(key)
	if victim != nil {
		s.evict(victim)
	}
	return victim != nil
}

// owns reports whether key may see stream j: the key that started it, or
// anyone when the gateway checks no keys.
func owns(j *journal, key string) bool {
	return subtle.ConstantTimeCompare([]byte(j.owner), []byte(key)) == 1
}

// attach finds the journal of stream id started by key and counts a new
// reader of it; another key's stream is as absent as a missing one.
func (s *memoryJournals) attach(_ context.Context, id, key string, _ int64) (follower, bool) {
	j, ok := s.attachLocal(id, key)
	if !ok {
		return nil, false
	}
	return j, true
}

// find is the journal of stream id started by key, or nil.
func (s *memoryJournals) find(id, key string) *journal {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.m[id]; ok && owns(j, key) {
		return j
	}
	return nil
}

func (s *memoryJournals) attachLocal(id, key string) (*journal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.m[id]
	if !ok || !owns(j, key) {
		return nil, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.readers++
	j.stopTimers()
	return j, true
}

// detach counts a reader gone. When the last one leaves, the policy
// applies: Cancel stops the upstream now, Grace after the grace window
// unless a reader came back, Finish never; and the retention clock starts:
// when it runs out, the producer is stopped and the journal forgotten.
func (s *memoryJournals) detach(f follower) {
	j := f.(*journal)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.readers--
	if j.readers > 0 {
		return
	}
	j.signal() // a mirrored journal need not wait for a reader now
	if !j.done {
		switch s.lim.OnDisconnect {
		case Cancel:
			j.cancel(errReaderLeft)
		case Grace:
			j.grace = time.AfterFunc(s.lim.Grace, func() { s.graceOver(j) })
		}
	}
	j.expiry = time.AfterFunc(s.lim.Retention, func() { s.expire(j) })
}

// graceOver stops a producer nobody came back to within the grace window;
// one followed from another replica gets another window.
func (s *memoryJournals) graceOver(j *journal) {
	elsewhere := s.followedElsewhere != nil && s.followedElsewhere(j)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.readers > 0 || j.done || j.grace == nil {
		return
	}
	if elsewhere {
		j.grace.Reset(s.lim.Grace)
		return
	}
	j.cancel(errReaderLeft)
}

// expire stops the producer and forgets j when its retention runs out,
// unless a reader on another replica still follows it live.
func (s *memoryJournals) expire(j *journal) {
	elsewhere := s.followedElsewhere != nil && s.followedElsewhere(j)
	j.mu.Lock()
	if elsewhere && !j.done && j.expiry != nil {
		j.expiry.Reset(s.lim.Retention)
		j.mu.Unlock()
		return
	}
	j.mu.Unlock()
	j.cancel(errExpired)
	s.mu.Lock()
	s.remove(j)
	s.mu.Unlock()
}

// drop forgets a journal whose stream never started.
func (s *memoryJournals) drop(j *journal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(j)
}

// clear forgets every journal, after shutdown.
func (s *memoryJournals) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.m {
		s.remove(j)
		j.cancel(relay.ErrShutdown)
	}
}

// stop cancels a stream's producer at its client's request and forgets
// the journal; false if there is no such stream of key.
func (s *memoryJournals) stop(_ context.Context, id, key string) bool {
	s.mu.Lock()
	j, ok := s.m[id]
	ok = ok && owns(j, key)
	if ok {
		s.remove(j)
	}
	s.mu.Unlock()
	if ok {
		j.cancel(errStopped)
	}
	return ok
}

// stopAny is stop for a caller whose ownership was checked elsewhere (a
// replica that was asked to stop a stream this one runs).
func (s *memoryJournals) stopAny(id string) {
	s.mu.Lock()
	j, ok := s.m[id]
	if ok {
		s.remove(j)
	}
	s.mu.Unlock()
	if ok {
		j.cancel(errStopped)
	}
}
