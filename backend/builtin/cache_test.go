package builtin

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

// fakeClock is a settable clock for cache lifetimes.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// longPrefix is a system prompt of n words.
func longPrefix(n int) string { return strings.TrimSpace(strings.Repeat("rule ", n)) }

func cachedRequest(model, question, ttl string) *rockstream.Request {
	return &rockstream.Request{Model: model, System: []string{longPrefix(2100)},
		Options:  rockstream.Options{SystemCache: []rockstream.SystemCachePoint{{After: 1, CachePoint: rockstream.CachePoint{TTL: ttl}}}},
		Messages: []rockstream.Message{rockstream.UserText(question)}}
}

// usageOf runs req and returns the usage of its MessageStart and Metadata.
func usageOf(t *testing.T, b *Backend, req *rockstream.Request) (start, end rockstream.Usage) {
	t.Helper()
	evs, err := collect(t, context.Background(), b, req)
	if err != nil {
		t.Fatal(err)
	}
	return evs[0].(rockstream.MessageStart).Usage, evs[len(evs)-1].(rockstream.Metadata).Usage
}

func TestPromptCacheWriteThenRead(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	b := New(Options{Pace: &Pace{}, Now: clock.Now})
	whole := InputTokens(cachedRequest(cachingModel, "What are the rules?", ""))

	start, end := usageOf(t, b, cachedRequest(cachingModel, "What are the rules?", ""))
	if start.CacheWriteInputTokens != 2100 || start.CacheReadInputTokens != 0 || end != (rockstream.Usage{
		InputTokens: whole - 2100, OutputTokens: end.OutputTokens, CacheWriteInputTokens: 2100}) {
		t.Fatalf("first request: start %+v, end %+v; want 2100 written, %d input", start, end, whole-2100)
	}
	clock.Add(4 * time.Minute)
	// Another question after the same prefix reads it.
	_, end = usageOf(t, b, cachedRequest(cachingModel, "Which rule comes first?", ""))
	if end.CacheReadInputTokens != 2100 || end.CacheWriteInputTokens != 0 {
		t.Fatalf("second request: %+v, want 2100 read", end)
	}
	// The hit started the five minutes again.
	clock.Add(4 * time.Minute)
	if _, end = usageOf(t, b, cachedRequest(cachingModel, "Why?", "")); end.CacheReadInputTokens != 2100 {
		t.Fatalf("third request, 4 minutes after a hit: %+v, want a read", end)
	}
	clock.Add(6 * time.Minute)
	if _, end = usageOf(t, b, cachedRequest(cachingModel, "Why?", "")); end.CacheReadInputTokens != 0 || end.CacheWriteInputTokens != 2100 {
		t.Fatalf("after the TTL: %+v, want the prefix written again", end)
	}
}

func TestPromptCacheOneHourTTL(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	b := New(Options{Pace: &Pace{}, Now: clock.Now})
	usageOf(t, b, cachedRequest(cachingModel, "a", "1h"))
	clock.Add(50 * time.Minute)
	if _, end := usageOf(t, b, cachedRequest(cachingModel, "b", "1h")); end.CacheReadInputTokens != 2100 {
		t.Fatalf("50 minutes into a 1h entry: %+v, want a read", end)
	}
}

func TestPromptCacheOnlyWhereItApplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *rockstream.Request
	}{
		// Claude 3 Sonnet has no prompt caching on Bedrock.
		{"model without caching", cachedRequest("anthropic.claude-3-sonnet-20240229-v1:0", "q", "")},
		// Claude 3.7 Sonnet caches from 1,024 tokens.
		{"prefix too short", &rockstream.Request{Model: cachingModel, System: []string{longPrefix(1000)},
			Options:  rockstream.Options{SystemCache: []rockstream.SystemCachePoint{{After: 1}}},
			Messages: []rockstream.Message{rockstream.UserText("q")}}},
	}
	for _, tt := range tests {
		b := New(Options{Pace: &Pace{}})
		for range 2 {
			if _, end := usageOf(t, b, tt.req); end.CacheReadInputTokens != 0 || end.CacheWriteInputTokens != 0 || end.InputTokens != InputTokens(tt.req) {
				t.Errorf("%s: %+v, want no cache use", tt.name, end)
			}
		}
	}
}

// A cache point in a later block reads the longest cached prefix and
// writes only what follows it.
func TestPromptCacheLongestPrefix(t *testing.T) {
	t.Parallel()
	b := New(Options{Pace: &Pace{}})
	first := cachedRequest(cachingModel, "q", "")
	usageOf(t, b, first)
	second := cachedRequest(cachingModel, "", "")
	second.Messages[0].Content = []rockstream.Block{
		{Type: rockstream.BlockText, Text: longPrefix(1200), Cache: &rockstream.CachePoint{}},
		{Type: rockstream.BlockText, Text: "And the question?"},
	}
	_, end := usageOf(t, b, second)
	if end.CacheReadInputTokens != 2100 || end.CacheWriteInputTokens != 3+1200 {
		t.Fatalf("usage %+v, want 2100 read and %d written", end, 3+1200)
	}
	// A changed prefix misses.
	third := cachedRequest(cachingModel, "q", "")
	third.System[0] += " more"
	if _, end := usageOf(t, b, third); end.CacheReadInputTokens != 0 || end.CacheWriteInputTokens != 2101 {
		t.Fatalf("changed prefix: %+v, want a fresh write", end)
	}
}

func TestPromptCacheBounds(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	c := newPromptCache(2, 1000)
	point := func(i byte, size int64) cachePoint {
		return cachePoint{key: [32]byte{i}, tokens: 2000, size: size, ttl: time.Minute + time.Duration(i)*time.Second}
	}
	for i := range byte(3) {
		c.use([]cachePoint{point(i, 100)}, 1024, now)
	}
	if c.len() != 2 {
		t.Fatalf("%d entries, want the bound of 2", c.len())
	}
	if u := c.use([]cachePoint{point(0, 100)}, 1024, now); u.read != 0 {
		t.Errorf("the entry that expires first was kept: %+v", u)
	}
	c.use([]cachePoint{point(9, 950)}, 1024, now)
	if c.len() != 1 || c.bytes != 950 {
		t.Errorf("%d entries, %d bytes after a 950-byte entry; want 1 and 950", c.len(), c.bytes)
	}
	c.use([]cachePoint{point(10, 5000)}, 1024, now)
	if c.bytes > 1000 {
		t.Errorf("%d bytes held, over the bound", c.bytes)
	}
}
