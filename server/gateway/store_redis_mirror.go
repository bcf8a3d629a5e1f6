package gateway

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream"
)

// mirror copies journal j, which this replica's producer writes, to Redis
// as it grows, until the stream ends. It reads j like any reader, so the
// producer never waits for Redis; if Redis fails, j is this replica's
// alone again and the stream goes on.
func (s *redisJournals) mirror(j *journal) {
	ctx := context.Background()
	k := keysOf(j.id)
	var after int64
	for {
		evs, done, err := j.read(ctx, after)
		if err == nil && done {
			err = s.call(ctx, func(p redis.Pipeliner) {
				p.XAdd(ctx, &redis.XAddArgs{Stream: k.events, ID: entryID(after, true), Values: endFields(j.outcome())})
				s.refresh(ctx, p, k)
			})
			if err != nil {
				s.lose(j, k, err)
			}
			return
		}
		if err == nil {
			err = s.call(ctx, func(p redis.Pipeliner) {
				for _, ev := range evs {
					p.XAdd(ctx, &redis.XAddArgs{Stream: k.events, ID: ev.ID + "-0", MaxLen: int64(s.lim.MaxEvents),
						Values: []any{"n", ev.Name, "d", ev.Data}})
				}
				s.refresh(ctx, p, k)
			})
		}
		if err != nil {
			s.lose(j, k, err)
			return
		}
		after, _ = strconv.ParseInt(evs[len(evs)-1].ID, 10, 64)
		j.mirroredTo(after)
	}
}

// call runs one pipeline of commands, in one round trip, within
// redisTimeout.
func (s *redisJournals) call(ctx context.Context, cmds func(p redis.Pipeliner)) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		cmds(p)
		return nil
	})
	return err
}

// refresh restarts both keys' retention after a write.
func (s *redisJournals) refresh(ctx context.Context, p redis.Pipeliner, k streamKeys) {
	p.Expire(ctx, k.events, s.lim.Retention)
	p.Expire(ctx, k.meta, s.lim.Retention)
}

// endFields are the end entry's: how the producer ended.
func endFields(preErr *rockstream.Error, aborted bool) []any {
	switch {
	case aborted:
		return []any{"end", "aborted"}
	case preErr != nil:
		return []any{"end", "failed", "class", string(preErr.Class), "status", preErr.StatusCode, "code", preErr.Code,
			"message", preErr.Message, "retryable", preErr.Retryable, "retry_after_ms", preErr.RetryAfter.Milliseconds()}
	}
	return []any{"end", "complete"}
}

// lose gives up mirroring j after a Redis failure: the stream goes on
// from this replica's memory, resumable here only. Once Redis answers
// again, what the mirror wrote is removed, so that no replica follows a
// copy that will never end.
func (s *redisJournals) lose(j *journal, k streamKeys, err error) {
	j.setMirroring(false)
	s.lost.Inc()
	s.log.LogAttrs(context.Background(), slog.LevelWarn, "stream not resumable on other replicas: Redis failed",
		slog.String("stream_id", j.id), slog.String("error", err.Error()))
	s.down(err)
	deadline := time.Now().Add(s.lim.Retention)
	for time.Now().Before(deadline) {
		if s.call(context.Background(), func(p redis.Pipeliner) { p.Del(context.Background(), k.meta, k.events) }) == nil {
			return
		}
		select {
		case <-s.quit:
			return
		case <-time.After(pollEvery):
		}
	}
}

// errLost is what a follower of a copy that Redis lost is told.
func errLost(id string) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassUnavailable, StatusCode: 503,
		Message: "Stream " + id + " can no longer be resumed here: its shared journal was lost. The replica that runs it may still resume it."}
}

// errShared is what a follower is told when Redis fails under it.
func errShared(err error) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassUnavailable, StatusCode: 503,
		Message: "The stream cannot be followed: its shared journal is unavailable.", Err: err}
}
