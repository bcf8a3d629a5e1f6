package quota

import (
	"context"
	"iter"

	"github.com/rockstream/rockstream"
)

type keyCtx struct{}

// WithKey tells the limiter whose request ctx carries: the API key or
// access key ID the frontend verified, or "" for none.
func WithKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyCtx{}, key)
}

// KeyFrom is the key WithKey set, or "".
func KeyFrom(ctx context.Context) string {
	k, _ := ctx.Value(keyCtx{}).(string)
	return k
}

// Wrap puts every request to b under l's quotas, keyed by KeyFrom: a
// refused request fails before its first event (so every frontend
// answers it with a real 429 in its own dialect), an admitted one holds
// a stream slot until its sequence ends and is charged the tokens its
// usage reports, cancelled streams included.
func Wrap(b rockstream.Backend, l *Limiter) rockstream.Backend {
	return limited{next: b, l: l}
}

type limited struct {
	next rockstream.Backend
	l    *Limiter
}

// CountTokens passes counting on: a count starts no generation.
func (b limited) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return rockstream.CountTokens(ctx, b.next, req)
}

func (b limited) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		ticket, refused := b.l.Admit(ctx, KeyFrom(ctx))
		if refused != nil {
			yield(nil, refused)
			return
		}
		var used usage
		defer func() { ticket.End(ctx, used.total()) }()
		for ev, err := range b.next.Stream(ctx, req) {
			if err == nil {
				used.observe(ev)
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// usage is the most a stream's events have reported: MessageStart
// carries the input tokens, Metadata the final counts.
type usage struct{ input, output int64 }

func (u *usage) observe(ev rockstream.Event) {
	var got rockstream.Usage
	switch e := ev.(type) {
	case rockstream.MessageStart:
		got = e.Usage
	case rockstream.Metadata:
		got = e.Usage
	default:
		return
	}
	in := int64(got.InputTokens + got.CacheReadInputTokens + got.CacheWriteInputTokens)
	u.input = max(u.input, in)
	u.output = max(u.output, int64(got.OutputTokens))
}

func (u usage) total() int64 { return u.input + u.output }
