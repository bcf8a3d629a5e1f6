package replay

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// Recorder wraps a backend and writes every stream through it to a
// directory, within bounds:
//   - a stream that fails before its first event (a request refused with
//     a 400, a throttle, a fault injected before the stream) is not a
//     stream and is not recorded;
//   - a stream whose request carried an injected fault (X-Rockstream-Fault)
//     is recorded, so a replay reproduces the failure, and marked
//     injected_fault;
//   - secrets are removed from the request, the model's output and the
//     error;
//   - the directory holds at most MaxFiles recordings and MaxBytes bytes
//     (those already there count); a stream longer than MaxEvents events
//     or MaxFileBytes bytes passes through unrecorded.
//
// Close writes the recordings of streams still running at shutdown.
type Recorder struct {
	next rockstream.Backend
	dir  string
	log  *slog.Logger
	opts RecordOptions

	mu       sync.Mutex
	files    int
	bytes    int64
	full     bool // the cap was reached and logged
	closed   bool
	inflight map[*take]bool
	running  sync.WaitGroup
}

// RecordOptions bound a Recorder; the zero value takes every default.
type RecordOptions struct {
	// MaxFiles is the most recordings the directory holds; 0 means
	// DefaultMaxFiles.
	MaxFiles int
	// MaxBytes is the most bytes of recordings the directory holds; 0
	// means DefaultMaxBytes.
	MaxBytes int64
	// MaxEvents and MaxFileBytes bound one recording; 0 means
	// DefaultMaxEvents and DefaultMaxFileBytes, what Open accepts.
	MaxEvents    int
	MaxFileBytes int64
}

// NewRecorder records next's streams into dir, which must exist, with
// the default bounds. Failures to write are logged, never passed to the
// stream's reader.
func NewRecorder(next rockstream.Backend, dir string, log *slog.Logger) *Recorder {
	return NewRecorderWithOptions(next, dir, log, RecordOptions{})
}

// NewRecorderWithOptions is NewRecorder with chosen bounds.
func NewRecorderWithOptions(next rockstream.Backend, dir string, log *slog.Logger, opts RecordOptions) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	r := &Recorder{next: next, dir: dir, log: log, opts: opts, inflight: map[*take]bool{}}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			r.files++
			r.bytes += st.Size()
		}
	}
	return r
}

var _ rockstream.Backend = (*Recorder)(nil)

// CountTokens passes counting on to next; counts are not recorded.
func (r *Recorder) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return rockstream.CountTokens(ctx, r.next, req)
}

// Stream passes next's stream through unchanged and records it.
func (r *Recorder) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil {
			yield(nil, rockstream.Validationf("there is no request to stream"))
			return
		}
		t := r.begin(ctx, req)
		if t == nil {
			for ev, err := range r.next.Stream(ctx, req) {
				if !yield(ev, err) || err != nil {
					return
				}
			}
			return
		}
		var streamErr error
		defer func() { r.finish(ctx, t, streamErr) }()
		for ev, err := range r.next.Stream(ctx, req) {
			if err != nil {
				streamErr = err
				yield(nil, err)
				return
			}
			t.add(ev, r.opts)
			if !yield(ev, nil) {
				streamErr = context.Canceled
				return
			}
		}
	}
}

// Close stops recording new streams and waits, until ctx ends, for the
// streams in flight to end and be written; those still running then are
// written as they stand, with the outcome cancelled and a note saying
// so. The server's shutdown calls it before the process exits.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	ended := make(chan struct{})
	go func() {
		r.running.Wait()
		close(ended)
	}()
	select {
	case <-ended:
		return nil
	case <-ctx.Done():
	}
	r.mu.Lock()
	takes := slices.Collect(maps.Keys(r.inflight))
	r.mu.Unlock()
	var errs []error
	for _, t := range takes {
		rec, ok := t.claim(context.Canceled, time.Now())
		if !ok || rec == nil {
			continue
		}
		rec.Note = "written at shutdown while the stream was still running"
		if err := r.write(rec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Recorder) begin(ctx context.Context, req *rockstream.Request) *take {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	now := time.Now()
	rec := &Recording{Format: Version, RecordedAt: now, Request: FromRequest(req), InjectedFault: builtin.FaultInjected(ctx)}
	rec.Key = KeyOf(rec.Request)
	t := &take{rec: rec, last: now}
	r.inflight[t] = true
	r.running.Add(1)
	return t
}

func (r *Recorder) finish(ctx context.Context, t *take, err error) {
	defer r.running.Done()
	defer func() {
		r.mu.Lock()
		delete(r.inflight, t)
		r.mu.Unlock()
	}()
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	rec, ok := t.claim(err, time.Now())
	if !ok {
		return
	}
	if rec == nil {
		r.log.Warn("stream not recorded: it is longer than one recording holds",
			slog.Int("max_events", r.opts.MaxEvents), slog.Int64("max_file_bytes", r.opts.MaxFileBytes))
		return
	}
	if len(rec.Events) == 0 && err != nil {
		r.log.Debug("stream not recorded: it failed before its first event", slog.Any("err", err))
		return
	}
	if err := r.write(rec); err != nil {
		r.log.Error("recording not written", slog.String("dir", r.dir), slog.Any("err", err))
	}
}

// write redacts, encodes and writes rec if the directory has room.
func (r *Recorder) write(rec *Recording) error {
	b, err := encodeRecording(rec)
	if err != nil {
		return err
	}
	size := int64(len(b))
	if size > r.opts.MaxFileBytes {
		r.log.Warn("stream not recorded: its recording is too large",
			slog.Int64("bytes", size), slog.Int64("max_file_bytes", r.opts.MaxFileBytes))
		return nil
	}
	if !r.reserve(size) {
		return nil
	}
	path, err := writeBytes(r.dir, rec, b)
	if err != nil {
		r.mu.Lock()
		r.files--
		r.bytes -= size
		r.mu.Unlock()
		return err
	}
	r.log.Debug("stream recorded", slog.String("file", path), slog.String("outcome", rec.Outcome.Kind))
	return nil
}

// reserve takes room for one file of size bytes, logging once when the
// directory is full.
func (r *Recorder) reserve(size int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.files+1 > r.opts.MaxFiles || r.bytes+size > r.opts.MaxBytes {
		if !r.full {
			r.full = true
			r.log.Warn("recording stopped: the directory is full (--record-max-files, --record-max-bytes); later streams are not recorded",
				slog.String("dir", r.dir), slog.Int("files", r.files), slog.Int("max_files", r.opts.MaxFiles),
				slog.Int64("bytes", r.bytes), slog.Int64("max_bytes", r.opts.MaxBytes))
		}
		return false
	}
	r.files++
	r.bytes += size
	return true
}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
