package builtin

import (
	"crypto/sha256"
	"encoding/json"
	"hash"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// Prompt-cache bounds when Options leave them zero.
const (
	DefaultCacheEntries = 10_000
	DefaultCacheBytes   = 256 << 20
)

// maxCachePoints is how many cache points one request may set, as
// Bedrock and Anthropic allow.
const maxCachePoints = 4

// cacheTTLs are the lifetimes a cache point may ask for; the first is
// the default. A hit starts the lifetime again.
var cacheTTLs = map[string]time.Duration{"": 5 * time.Minute, "5m": 5 * time.Minute, "1h": time.Hour}

// promptCache is the builtin model's prompt cache, simulated as Bedrock
// reports it: a cache point whose prefix (model, tools, system, messages
// up to the point) is long enough creates an entry; a later request with
// the same prefix within the entry's lifetime reads it. Entries keep
// only a digest of their prefix; their count and the bytes of the
// prefixes they stand for are bounded, the soonest to expire going first.
type promptCache struct {
	mu         sync.Mutex
	entries    map[[sha256.Size]byte]cacheEntry
	bytes      int64
	maxEntries int
	maxBytes   int64
}

type cacheEntry struct {
	expires time.Time
	ttl     time.Duration
	size    int64
}

// cachePoint is one cache point of a request: the digest of the prefix
// that ends there, its length in input tokens and bytes, and its TTL.
type cachePoint struct {
	key    [sha256.Size]byte
	tokens int
	size   int64
	ttl    time.Duration
}

// cacheUse is what a request read from and wrote to the cache, in
// input tokens.
type cacheUse struct{ read, write int }

func newPromptCache(maxEntries int, maxBytes int64) *promptCache {
	if maxEntries <= 0 {
		maxEntries = DefaultCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &promptCache{entries: map[[sha256.Size]byte]cacheEntry{}, maxEntries: maxEntries, maxBytes: maxBytes}
}

// use reads the longest cached prefix among points and writes the ones
// after it, at time now. Points shorter than minTokens are not cached.
func (c *promptCache) use(points []cachePoint, minTokens int, now time.Time) cacheUse {
	var eligible []cachePoint
	for _, p := range points {
		if p.tokens >= minTokens && p.tokens > 0 {
			eligible = append(eligible, p)
		}
	}
	if len(eligible) == 0 {
		return cacheUse{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	hit := -1
	for i := len(eligible) - 1; i >= 0; i-- {
		if e, ok := c.entries[eligible[i].key]; ok && now.Before(e.expires) {
			hit = i
			break
		}
	}
	var u cacheUse
	if hit >= 0 {
		p := eligible[hit]
		e := c.entries[p.key]
		e.expires = now.Add(e.ttl)
		c.entries[p.key] = e
		u.read = p.tokens
	}
	for _, p := range eligible[hit+1:] {
		c.put(p, now)
	}
	if last := eligible[len(eligible)-1]; hit < len(eligible)-1 {
		u.write = last.tokens - u.read
	}
	return u
}

// put stores p, making room within the bounds first.
func (c *promptCache) put(p cachePoint, now time.Time) {
	if old, ok := c.entries[p.key]; ok {
		c.bytes -= old.size
		delete(c.entries, p.key)
	}
	if p.size > c.maxBytes {
		return
	}
	for len(c.entries) >= c.maxEntries || c.bytes+p.size > c.maxBytes {
		c.evict(now)
	}
	c.entries[p.key] = cacheEntry{expires: now.Add(p.ttl), ttl: p.ttl, size: p.size}
	c.bytes += p.size
}

// evict drops every expired entry, or else the one that expires first.
func (c *promptCache) evict(now time.Time) {
	var first [sha256.Size]byte
	var firstAt time.Time
	dropped := false
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			c.bytes -= e.size
			delete(c.entries, k)
			dropped = true
			continue
		}
		if firstAt.IsZero() || e.expires.Before(firstAt) {
			first, firstAt = k, e.expires
		}
	}
	if !dropped && !firstAt.IsZero() {
		c.bytes -= c.entries[first].size
		delete(c.entries, first)
	}
}

// len is the number of entries held.
func (c *promptCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// cachePoints walks req's prompt in Bedrock's cache order (tools, system,
// messages) and returns the cache points it sets, each with the digest
// and length of the prefix that ends there. Token counts follow
// InputTokens, so a prefix that is the whole prompt counts the same.
func cachePoints(modelID string, req *rockstream.Request) []cachePoint {
	w := prefixWriter{h: sha256.New()}
	w.write("model", modelID)
	var out []cachePoint
	mark := func(cp *rockstream.CachePoint) {
		if cp != nil {
			out = append(out, cachePoint{key: [sha256.Size]byte(w.h.Sum(nil)), tokens: w.tokens, size: w.size, ttl: cacheTTLs[cp.TTL]})
		}
	}
	for _, t := range req.Tools {
		cp := t.Cache
		t.Cache = nil
		w.write("tool", t)
		w.tokens += countWords(t.Name) + countWords(t.Description) + countWords(string(t.InputSchema))
		mark(cp)
	}
	for i, s := range req.System {
		w.write("system", s)
		w.tokens += countWords(s)
		for _, sc := range req.SystemCache {
			if sc.After == i+1 {
				mark(&sc.CachePoint)
			}
		}
	}
	for _, m := range req.Messages {
		w.write("role", m.Role)
		w.tokens += 3
		for _, b := range m.Content {
			cp := b.Cache
			b.Cache = nil
			w.write("block", b)
			w.tokens += blockWords([]rockstream.Block{b})
			mark(cp)
		}
	}
	return out
}

// prefixWriter hashes a prompt prefix part by part, counting its bytes
// and, through its caller, its tokens.
type prefixWriter struct {
	h      hash.Hash
	size   int64
	tokens int
}

func (w *prefixWriter) write(kind string, v any) {
	b, err := json.Marshal(v)
	if err != nil { // every part is plain data; keep the kind at least
		b = nil
	}
	w.h.Write([]byte(kind))
	w.h.Write([]byte{0})
	w.h.Write(b)
	w.h.Write([]byte{0})
	w.size += int64(len(b))
}

// countCachePoints is how many cache points req sets.
func countCachePoints(req *rockstream.Request) int {
	n := len(req.SystemCache)
	for _, t := range req.Tools {
		if t.Cache != nil {
			n++
		}
	}
	for _, m := range req.Messages {
		for _, b := range m.Content {
			if b.Cache != nil {
				n++
			}
		}
	}
	return n
}

// applyCache settles what req reads from and writes to b's cache for
// model m, given its whole input length: a model without prompt caching
// accepts cache points and caches nothing.
func (b *Backend) applyCache(req *rockstream.Request, m catalog.Model, now time.Time) cacheUse {
	f := catalog.FeaturesOf(m)
	if !f.Caching || countCachePoints(req) == 0 {
		return cacheUse{}
	}
	return b.cache.use(cachePoints(m.ID, req), f.MinCacheTokens, now)
}
