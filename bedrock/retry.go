package bedrock

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/rockstream/rockstream"
)

const (
	backoffBase = 250 * time.Millisecond
	backoffMax  = 20 * time.Second
)

// jitteredBackoff is the wait after failed attempt n (1-based): exponential
// from backoffBase, capped, with "equal jitter" (half fixed, half random)
// so that clients throttled together do not come back together.
func jitteredBackoff(n int) time.Duration {
	d := backoffBase << min(n-1, 16)
	d = min(d, backoffMax)
	half := d / 2
	return half + rand.N(half+1)
}

// retryable reports whether a failed attempt may be retried: the error
// says a retry can succeed and no event of the stream has been delivered.
// Retrying later would repeat text the reader already has.
func retryable(e *rockstream.Error, delivered bool) bool {
	return e.Retryable && !delivered
}

// sleep waits d or until ctx ends, reporting whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitBefore is the wait before retrying after attempt n failed with e:
// the backoff, or the server's Retry-After when that is longer.
func (c *Client) waitBefore(n int, e *rockstream.Error) time.Duration {
	return max(c.backoff(n), min(e.RetryAfter, backoffMax))
}
