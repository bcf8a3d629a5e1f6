package gateway

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// redisFollower is one reader's view of a journal in Redis, which another
// replica (or this one) may still be writing: it reads the entries after
// the reader's last event, blocking for new ones.
type redisFollower struct {
	rdb   redis.UniversalClient
	id    string
	keys  streamKeys
	d     dialect
	after int64 // the Last-Event-ID the reader resumed from

	preErr  *rockstream.Error
	aborted bool
}

var _ follower = (*redisFollower)(nil)

func (f *redisFollower) streamID() string       { return f.id }
func (f *redisFollower) streamDialect() dialect { return f.d }
func (f *redisFollower) sent(int64)             {}

func (f *redisFollower) outcome() (*rockstream.Error, bool) { return f.preErr, f.aborted }

// read blocks in Redis for at most pollEvery at a time, checking between
// waits that the reader is still there and that the stream still exists.
func (f *redisFollower) read(ctx context.Context, after int64) ([]relay.Item, bool, error) {
	for {
		if ctx.Err() != nil {
			return nil, false, context.Cause(ctx)
		}
		res, err := f.rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{f.keys.events, entryID(after, false)}, Count: 512, Block: pollEvery,
		}).Result()
		if errors.Is(err, redis.Nil) {
			if err := f.check(ctx); err != nil {
				return nil, false, err
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, false, context.Cause(ctx)
			}
			return nil, false, errShared(err)
		}
		return f.items(res[0].Messages, after)
	}
}

// check reports a stream that is gone from Redis while its reader waited.
func (f *redisFollower) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	n, err := f.rdb.Exists(ctx, f.keys.meta).Result()
	switch {
	case err != nil:
		return errShared(err)
	case n == 0:
		return errLost(f.id)
	}
	return nil
}

// items turns entries after event after into items, stopping at the end
// entry; an entry past after+1 means the events between were trimmed.
func (f *redisFollower) items(msgs []redis.XMessage, after int64) ([]relay.Item, bool, error) {
	var evs []relay.Item
	for _, m := range msgs {
		seq, end, err := parseEntryID(m.ID)
		if err != nil {
			return nil, false, errShared(err)
		}
		if seq != after+int64(len(evs))+boolInt(!end) {
			return nil, false, errGone
		}
		if end {
			if len(evs) > 0 {
				return evs, false, nil // the end comes with the next read
			}
			f.preErr, f.aborted = endOutcome(m.Values)
			return nil, true, nil
		}
		name, _ := m.Values["n"].(string)
		data, _ := m.Values["d"].(string)
		evs = append(evs, relay.Item{Name: name, Data: []byte(data), ID: strconv.FormatInt(seq, 10)})
	}
	return evs, false, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// endOutcome reads an end entry's fields, which endFields wrote.
func endOutcome(v map[string]any) (*rockstream.Error, bool) {
	str := func(k string) string { s, _ := v[k].(string); return s }
	num := func(k string) int64 { n, _ := strconv.ParseInt(str(k), 10, 64); return n }
	switch str("end") {
	case "aborted":
		return nil, true
	case "failed":
		return &rockstream.Error{Class: rockstream.ErrorClass(str("class")), StatusCode: int(num("status")), Code: str("code"),
			Message: str("message"), Retryable: str("retryable") == "1",
			RetryAfter: time.Duration(num("retry_after_ms")) * time.Millisecond}, false
	}
	return nil, false
}

// newestID is the newest event in Redis. When that is older than the
// reader's Last-Event-ID and the stream goes on, the mirror may not have
// written what the reader was sent yet: it waits a little for it.
func (f *redisFollower) newestID(ctx context.Context) (int64, error) {
	deadline := time.Now().Add(lagWait)
	for {
		seq, end, err := f.newest(ctx)
		if err != nil || seq >= f.after || end || time.Now().After(deadline) {
			return seq, err
		}
		select {
		case <-ctx.Done():
			return seq, context.Cause(ctx)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (f *redisFollower) newest(ctx context.Context) (seq int64, end bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	msgs, err := f.rdb.XRevRangeN(ctx, f.keys.events, "+", "-", 1).Result()
	if err != nil {
		return 0, false, errShared(err)
	}
	if len(msgs) == 0 {
		return 0, false, nil
	}
	seq, end, err = parseEntryID(msgs[0].ID)
	if err != nil {
		return 0, false, errShared(err)
	}
	return seq, end, nil
}
