package quota

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store shared by every replica that uses the same Redis. Each
// decision is one Lua script, so replicas never race between a check and
// its count. Windows are keys named by their start, expiring after them;
// stream leases are a sorted set scored by expiry, so the leases of a
// replica that crashed lapse on their own.
type Redis struct {
	client redis.UniversalClient
	prefix string
}

var _ Store = (*Redis)(nil)

// NewRedis keeps quotas in client's Redis under keys starting with prefix
// ("rockstream:quota:" when empty).
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	if prefix == "" {
		prefix = "rockstream:quota:"
	}
	return &Redis{client: client, prefix: prefix}
}

// keys names key's counters. The key itself is hashed: Redis holds no
// secrets. The hash tag keeps one key's counters in one cluster slot.
func (r *Redis) keys(key string, budgetPeriod time.Duration, now time.Time) (requests, tokens, budget, leases string) {
	sum := sha256.Sum256([]byte(key))
	base := r.prefix + "{" + hex.EncodeToString(sum[:12]) + "}:"
	minute := strconv.FormatInt(windowStart(now, Window).Unix(), 10)
	period := strconv.FormatInt(int64(budgetPeriod/time.Second), 10) + ":" +
		strconv.FormatInt(windowStart(now, budgetPeriod).Unix(), 10)
	return base + "req:" + minute, base + "tok:" + minute, base + "budget:" + period, base + "streams"
}

// admitScript refuses with {reason, retry ms} or counts the request and
// takes the lease, returning {0, 0}. Reasons: 1 requests, 2 tokens,
// 3 budget, 4 streams.
var admitScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local rpm, tpm, budget, streams = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local minuteLeft, budgetLeft = tonumber(ARGV[8]), tonumber(ARGV[9])
if rpm > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') >= rpm then return {1, minuteLeft} end
if tpm > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tpm then return {2, minuteLeft} end
if budget > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= budget then return {3, budgetLeft} end
if streams > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= streams then return {4, 1000} end
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], minuteLeft + 60000)
if streams > 0 then
  local ttl = tonumber(ARGV[7])
  redis.call('ZADD', KEYS[4], now + ttl, ARGV[6])
  redis.call('PEXPIRE', KEYS[4], ttl)
end
return {0, 0}
`)

// chargeScript adds tokens to the minute and the budget period.
var chargeScript = redis.NewScript(`
local n = tonumber(ARGV[1])
redis.call('INCRBY', KEYS[1], n)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 60000)
redis.call('INCRBY', KEYS[2], n)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) + 60000)
return 0
`)

// renewScript moves an existing lease's expiry, and the set's.
var renewScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
return 0
`)

var reasons = map[int64]Reason{1: ReasonRequests, 2: ReasonTokens, 3: ReasonBudget, 4: ReasonStreams}

func (r *Redis) Admit(ctx context.Context, key string, l Limits, lease string, ttl time.Duration, now time.Time) (Decision, error) {
	period := l.budgetPeriod()
	req, tok, budget, leases := r.keys(key, period, now)
	res, err := admitScript.Run(ctx, r.client, []string{req, tok, budget, leases},
		now.UnixMilli(), l.RequestsPerMinute, l.TokensPerMinute, l.TokenBudget, l.ConcurrentStreams,
		lease, ttl.Milliseconds(), untilNext(now, Window).Milliseconds(), untilNext(now, period).Milliseconds()).Int64Slice()
	if err != nil {
		return Decision{}, err
	}
	if len(res) != 2 {
		return Decision{}, errScriptReply
	}
	if res[0] == 0 {
		return Decision{Allowed: true}, nil
	}
	return Decision{Reason: reasons[res[0]], RetryAfter: time.Duration(res[1]) * time.Millisecond}, nil
}

func (r *Redis) Renew(ctx context.Context, key, lease string, ttl time.Duration, now time.Time) error {
	_, _, _, leases := r.keys(key, DefaultBudgetPeriod, now)
	return renewScript.Run(ctx, r.client, []string{leases}, lease, now.Add(ttl).UnixMilli(), ttl.Milliseconds()).Err()
}

func (r *Redis) Release(ctx context.Context, key, lease string) error {
	_, _, _, leases := r.keys(key, DefaultBudgetPeriod, time.Time{})
	return r.client.ZRem(ctx, leases, lease).Err()
}

func (r *Redis) Charge(ctx context.Context, key string, l Limits, tokens int64, now time.Time) error {
	period := l.budgetPeriod()
	_, tok, budget, _ := r.keys(key, period, now)
	return chargeScript.Run(ctx, r.client, []string{tok, budget},
		tokens, untilNext(now, Window).Milliseconds(), untilNext(now, period).Milliseconds()).Err()
}
