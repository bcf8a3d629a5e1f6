package gateway

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// redisJournals shares resumable streams between replicas through Redis.
// A replica's producers write their journals in its memory, as without
// Redis, and a mirror copies each to Redis as it grows: the stream's
// reader never waits for Redis, and a stream whose Redis goes away goes on
// (resume elsewhere is lost for it, logged and counted). Readers that
// resume, on any replica, follow the copy in Redis; a DELETE on any
// replica reaches the producer through a pub/sub message.
//
// In Redis, stream {id} is two keys: rockstream:{id}:events, a Redis
// stream whose entry IDs are the SSE event IDs (event n is "n-0", and the
// end of the stream is one more entry, "last-1", saying how it ended),
// trimmed to MaxEvents; and rockstream:{id}:meta, a hash of the owner
// key's SHA-256, the dialect and the count of readers on other replicas.
// Both expire Retention after the producer's last write.
type redisJournals struct {
	rdb   redis.UniversalClient
	local *memoryJournals
	lim   ResumeOptions
	log   *slog.Logger
	lost  prometheus.Counter

	stops *redis.PubSub
	quit  chan struct{} // closed by clear: the mirrors stop retrying
	once  sync.Once

	// up is false from a Redis failure until Redis answers again: new
	// streams meanwhile are not shared, and start without waiting for it.
	up atomic.Bool
}

var _ journalStore = (*redisJournals)(nil)

const (
	// stopChannel carries the IDs of streams to stop, to every replica.
	stopChannel = "rockstream:stop"
	// redisTimeout bounds each Redis call but the blocking reads.
	redisTimeout = 2 * time.Second
	// pollEvery is how long a follower's read blocks before it checks
	// that the stream is still there.
	pollEvery = time.Second
	// lagWait is how long a resume waits for the mirror to write the
	// events its reader was sent, before calling Last-Event-ID too new.
	lagWait = 2 * time.Second
)

// streamKeys are stream id's keys; the braces keep both in one slot of a
// Redis Cluster.
type streamKeys struct{ events, meta string }

func keysOf(id string) streamKeys {
	return streamKeys{events: "rockstream:{" + id + "}:events", meta: "rockstream:{" + id + "}:meta"}
}

// ownerHash is what Redis holds of the API key that started a stream.
func ownerHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func newRedisJournals(rdb redis.UniversalClient, local *memoryJournals, log *slog.Logger, reg prometheus.Registerer) *redisJournals {
	s := &redisJournals{rdb: rdb, local: local, lim: local.lim, log: log, quit: make(chan struct{}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rockstream_resume_lost_total",
			Help: "Streams whose shared resume journal was lost to Redis trouble; each went on to its reader, resumable only on its own replica.",
		})}
	if reg != nil {
		_ = reg.Register(s.lost)
	}
	s.up.Store(true)
	local.followedElsewhere = s.followedElsewhere
	// The subscription reconnects by itself when Redis comes back.
	s.stops = rdb.Subscribe(context.Background(), stopChannel)
	go s.listen(s.stops.Channel())
	return s
}

// listen stops the streams this replica runs that a DELETE on another
// replica asked to stop; ownership was checked there.
func (s *redisJournals) listen(msgs <-chan *redis.Message) {
	for m := range msgs {
		s.local.stopAny(m.Payload)
	}
}

func (s *redisJournals) admit(id, key string, d dialect, cancel context.CancelCauseFunc) (*journal, bool) {
	j, ok := s.local.admit(id, key, d, cancel)
	if !ok {
		return j, ok
	}
	if !s.up.Load() {
		s.lost.Inc()
		return j, ok
	}
	// The stream exists in Redis before its ID reaches the client, so a
	// resume on another replica finds it however soon it comes.
	k := keysOf(id)
	err := s.call(context.Background(), func(p redis.Pipeliner) {
		p.HSet(context.Background(), k.meta, "owner", ownerHash(key), "dialect", d.name())
		p.Expire(context.Background(), k.meta, s.lim.Retention)
	})
	if err != nil {
		s.lost.Inc()
		s.down(err)
		return j, ok
	}
	j.setMirroring(true) // before the producer starts: nothing is forgotten unmirrored
	go s.mirror(j)
	return j, ok
}

// down notes a Redis failure and watches for Redis to answer again.
func (s *redisJournals) down(err error) {
	if !s.up.CompareAndSwap(true, false) {
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelWarn, "Redis failed: new streams are resumable only on this replica until it answers",
		slog.String("error", err.Error()))
	go func() {
		for {
			select {
			case <-s.quit:
				return
			case <-time.After(pollEvery):
			}
			if s.ping(context.Background()) == nil {
				s.log.LogAttrs(context.Background(), slog.LevelInfo, "Redis answers again: new streams are shared")
				return
			}
		}
	}()
}

func (s *redisJournals) finished(j *journal) { s.local.finished(j) }

// attach prefers this replica's own journal when it still holds every
// event after after (no Redis on the way), and otherwise follows Redis.
// When Redis cannot be reached, this replica's journal is all there is.
func (s *redisJournals) attach(ctx context.Context, id, key string, after int64) (follower, bool) {
	if j := s.local.find(id, key); j != nil && j.keeps(after) {
		return s.local.attach(ctx, id, key, after)
	}
	f, found, err := s.attachShared(ctx, id, key, after)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "resume: Redis unavailable, trying this replica's journals",
			slog.String("stream_id", id), slog.String("error", err.Error()))
	}
	if found {
		return f, true
	}
	return s.local.attach(ctx, id, key, after)
}

// readersScript moves the count of a stream's readers on other replicas,
// only while the stream is there (never making a key without expiry).
var readersScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HINCRBY', KEYS[1], 'readers', ARGV[1])
end
return 0`)

func (s *redisJournals) attachShared(ctx context.Context, id, key string, after int64) (*redisFollower, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	k := keysOf(id)
	vals, err := s.rdb.HMGet(ctx, k.meta, "owner", "dialect").Result()
	if err != nil {
		return nil, false, err
	}
	owner, _ := vals[0].(string)
	name, _ := vals[1].(string)
	d := dialectNamed(name)
	if owner == "" || d == nil || subtle.ConstantTimeCompare([]byte(owner), []byte(ownerHash(key))) != 1 {
		return nil, false, nil
	}
	if err := readersScript.Run(ctx, s.rdb, []string{k.meta}, 1).Err(); err != nil {
		return nil, false, err
	}
	return &redisFollower{rdb: s.rdb, id: id, keys: k, d: d, after: after}, true, nil
}

func (s *redisJournals) detach(f follower) {
	rf, ok := f.(*redisFollower)
	if !ok {
		s.local.detach(f)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	_ = readersScript.Run(ctx, s.rdb, []string{rf.keys.meta}, -1).Err()
}

// followedElsewhere reports whether a reader on another replica follows
// j, so the Grace policy and retention leave its producer running.
func (s *redisJournals) followedElsewhere(j *journal) bool {
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	n, err := s.rdb.HGet(ctx, keysOf(j.id).meta, "readers").Int()
	return err == nil && n > 0
}

// stop stops a stream this replica runs at once; one another replica
// runs is stopped there, through a message to every replica.
func (s *redisJournals) stop(ctx context.Context, id, key string) bool {
	if s.local.stop(ctx, id, key) {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	owner, err := s.rdb.HGet(ctx, keysOf(id).meta, "owner").Result()
	if err != nil || subtle.ConstantTimeCompare([]byte(owner), []byte(ownerHash(key))) != 1 {
		if err != nil && !errors.Is(err, redis.Nil) {
			s.log.LogAttrs(ctx, slog.LevelWarn, "stop: Redis unavailable", slog.String("stream_id", id), slog.String("error", err.Error()))
		}
		return false
	}
	if err := s.rdb.Publish(ctx, stopChannel, id).Err(); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "stop: Redis unavailable", slog.String("stream_id", id), slog.String("error", err.Error()))
		return false
	}
	return true
}

func (s *redisJournals) clear() {
	s.once.Do(func() {
		close(s.quit)
		_ = s.stops.Close()
	})
	s.local.clear()
}

// ping reports whether Redis answers, for /readyz; the answer also ends
// or starts a spell of Redis being down.
func (s *redisJournals) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	err := s.rdb.Ping(ctx).Err()
	if err != nil {
		s.down(err)
	} else {
		s.up.Store(true)
	}
	return err
}

// dialectNamed is the dialect a journal in Redis was written in.
func dialectNamed(name string) dialect {
	for _, d := range []dialect{openaiDialect{}, anthropicDialect{}} {
		if d.name() == name {
			return d
		}
	}
	return nil
}

// entryID is the Redis stream entry ID of event seq, or (end true) of the
// end after event seq.
func entryID(seq int64, end bool) string {
	if end {
		return strconv.FormatInt(seq, 10) + "-1"
	}
	return strconv.FormatInt(seq, 10) + "-0"
}

// parseEntryID reads an entry ID that entryID made.
func parseEntryID(id string) (seq int64, end bool, err error) {
	for i := 0; i < len(id); i++ {
		if id[i] == '-' {
			seq, err = strconv.ParseInt(id[:i], 10, 64)
			if err != nil || seq < 0 || strconv.FormatInt(seq, 10) != id[:i] {
				return 0, false, errBadEntry
			}
			switch id[i+1:] {
			case "0":
				return seq, false, nil
			case "1":
				return seq, true, nil
			}
			return 0, false, errBadEntry
		}
	}
	return 0, false, errBadEntry
}

var errBadEntry = errors.New("gateway: a Redis stream entry that no rockstream journal wrote")
