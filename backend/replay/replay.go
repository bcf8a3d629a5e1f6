package replay

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// Backend serves recorded streams. It matches a request by model and body
// (KeyOf); among several recordings of one request it takes them in turn.
type Backend struct {
	byKey map[string][]*Recording
	all   []*Recording
	next  map[string]int
	speed float64
	mu    sync.Mutex // guards next
}

// Options shape playback.
type Options struct {
	// Speed divides every recorded delay: 1 (the zero value) is the
	// original timing, 10 ten times faster; a negative value plays
	// without delays.
	Speed float64
	// MaxEvents refuses a recording with more events; 0 means
	// DefaultMaxEvents.
	MaxEvents int
	// MaxFileBytes refuses a larger recording file; 0 means
	// DefaultMaxFileBytes.
	MaxFileBytes int64
	// MaxBytes refuses a directory whose recordings add up to more; 0
	// means DefaultMaxBytes.
	MaxBytes int64
}

func (o Options) withDefaults() Options {
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

var _ rockstream.Backend = (*Backend)(nil)

// Open loads every recording (*.json) in dir.
func Open(dir string, opts Options) (*Backend, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	sort.Strings(paths)
	opts = opts.withDefaults()
	var total int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	if total > opts.MaxBytes {
		return nil, fmt.Errorf("replay: the recordings in %s add up to %d bytes; the limit is %d", dir, total, opts.MaxBytes)
	}
	b := &Backend{byKey: map[string][]*Recording{}, next: map[string]int{}, speed: opts.Speed}
	if b.speed == 0 {
		b.speed = 1
	}
	for _, p := range paths {
		rec, err := readFile(p, opts)
		if err != nil {
			return nil, err
		}
		b.byKey[rec.Key] = append(b.byKey[rec.Key], rec)
		b.all = append(b.all, rec)
	}
	return b, nil
}

// Len is the number of recordings loaded.
func (b *Backend) Len() int { return len(b.all) }

// Stream plays the recording that matches req.
func (b *Backend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil {
			yield(nil, rockstream.Validationf("there is no request to stream"))
			return
		}
		// A recording cannot apply a guardrail: refused by name, never
		// answered as if it had been.
		if req.Guardrail != nil {
			yield(nil, rockstream.Refuse("a replayed recording", rockstream.FeatureGuardrail))
			return
		}
		rec := b.pick(KeyOf(FromRequest(req)))
		if rec == nil {
			yield(nil, b.unmatched(req))
			return
		}
		timer := time.NewTimer(0)
		defer timer.Stop()
		<-timer.C
		for _, re := range rec.Events {
			if !b.wait(ctx, timer, re.AfterMS) {
				yield(nil, ctx.Err())
				return
			}
			ev, err := rockstream.UnmarshalEvent(re.Event)
			if err != nil { // Parse checked every event
				yield(nil, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
		if !b.wait(ctx, timer, rec.Outcome.AfterMS) {
			yield(nil, ctx.Err())
			return
		}
		switch rec.Outcome.Kind {
		case string(rockstream.Failed):
			yield(nil, rec.Outcome.Error.err())
		case outcomeAbort:
			yield(nil, rockstream.ErrAbort)
		case string(rockstream.Cancelled):
			yield(nil, &rockstream.Error{Class: rockstream.ClassInterrupted, InStream: true,
				Message: "the recorded stream was cancelled by its reader at this point", Err: rockstream.ErrIncomplete})
		}
	}
}

func (b *Backend) pick(key string) *Recording {
	recs := b.byKey[key]
	if len(recs) == 0 {
		return nil
	}
	b.mu.Lock()
	i := b.next[key]
	b.next[key] = (i + 1) % len(recs)
	b.mu.Unlock()
	return recs[i]
}

// wait sleeps the recorded delay, scaled; false if ctx ended first.
func (b *Backend) wait(ctx context.Context, t *time.Timer, afterMS float64) bool {
	if b.speed < 0 || afterMS <= 0 {
		return ctx.Err() == nil
	}
	t.Reset(time.Duration(afterMS / b.speed * float64(time.Millisecond)))
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// unmatched is the error for a request no recording holds, naming the
// nearest recordings so the caller can see what differs.
func (b *Backend) unmatched(req *rockstream.Request) *rockstream.Error {
	near := nearest(b.all, FromRequest(req), 3)
	var sb strings.Builder
	fmt.Fprintf(&sb, "no recording matches this request for model %s", req.Model)
	if len(near) == 0 {
		sb.WriteString("; there are no recordings")
	} else {
		sb.WriteString("; nearest recordings: ")
		for i, n := range near {
			if i > 0 {
				sb.WriteString("; ")
			}
			sb.WriteString(n)
		}
	}
	return &rockstream.Error{Class: rockstream.ClassNotFound, Code: "ResourceNotFoundException", StatusCode: 404, Message: sb.String()}
}
