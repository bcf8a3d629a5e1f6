// Package gateway serves OpenAI- and Anthropic-compatible streaming
// endpoints over any rockstream.Backend: POST /v1/chat/completions,
// GET /v1/models, POST /v1/messages, and GET /v1/streams/{id} to resume a
// stream. Every stream keeps rockstream's stream contract: a real status
// before the first byte, the dialect's in-band error after it, keepalives,
// a flush per event, upstream cancelled when the reader leaves, a write
// deadline for readers that stop reading, and a terminal event on shutdown.
package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/relay"
)

// HeaderStreamID names the response header that identifies a stream for
// GET /v1/streams/{id}.
const HeaderStreamID = "X-Rockstream-Stream-Id"

// Defaults for Options' zero values.
const (
	DefaultKeepalive    = 15 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultMaxBodyBytes = 20 << 20
	DefaultMaxEvents    = 4096
)

// Defaults for ResumeOptions' zero bounds on the journals that make streams
// resumable. A journal holds the window of its stream a reader may resume
// from, not the whole answer; these hold some hundreds of live streams at
// a full window and thousands of finished ones, in a few hundred MB.
const (
	DefaultMaxStreamBytes    = 1 << 20
	DefaultMaxJournalBytes   = 256 << 20
	DefaultMaxKeyBytes       = 64 << 20
	DefaultMaxJournals       = 4096
	DefaultMaxJournalsPerKey = 1024
)

// HeaderResume names the response header that says whether a stream can
// be resumed: "available", or "unavailable" when the journals' bounds are
// taken by live streams, which then streams without a journal.
const HeaderResume = "X-Rockstream-Resume"

// DisconnectPolicy says what happens to a resumable stream's upstream when
// its reader goes away.
type DisconnectPolicy int

const (
	// Grace, the default, keeps generating for ResumeOptions.Grace after
	// the last reader left, then stops unless one came back: a reader who
	// returns within the window gets the whole answer, and an abandoned
	// stream does not run to its end.
	Grace DisconnectPolicy = iota
	// Cancel stops the upstream request; what was generated stays
	// resumable.
	Cancel
	// Finish keeps generating into the journal, so a reader that comes
	// back gets the whole answer.
	Finish
)

// DefaultGrace is how long the Grace policy keeps generating after the
// last reader left, when ResumeOptions.Grace is zero.
const DefaultGrace = 30 * time.Second

// ResumeOptions configures resumable streams. The zero value turns resume
// off.
type ResumeOptions struct {
	// Retention is how long a stream's journal is kept after its last
	// reader left; zero turns resume off.
	Retention time.Duration
	// MaxEvents bounds each journal; zero means DefaultMaxEvents. A
	// journal that is full of undelivered events makes the upstream wait.
	MaxEvents int
	// MaxStreamBytes bounds each journal's bytes as MaxEvents bounds its
	// events, and is what a live stream's journal is charged against the
	// bounds below until it finishes; zero means DefaultMaxStreamBytes.
	MaxStreamBytes int64
	// MaxBytes bounds the bytes of all journals together; zero means
	// DefaultMaxJournalBytes.
	MaxBytes int64
	// MaxBytesPerKey bounds the bytes of one API key's journals; zero
	// means DefaultMaxKeyBytes. Streams without a key count only against
	// MaxBytes and MaxJournals.
	MaxBytesPerKey int64
	// MaxJournals bounds how many journals are kept; zero means
	// DefaultMaxJournals.
	MaxJournals int
	// MaxJournalsPerKey bounds how many of one API key's journals are
	// kept; zero means DefaultMaxJournalsPerKey.
	//
	// To admit a new stream the oldest finished journals (no reader, the
	// producer done) are forgotten first; when live journals alone fill a
	// bound, the new stream runs without a journal: it streams as usual,
	// with HeaderResume "unavailable", and cannot be resumed.
	MaxJournalsPerKey int
	// OnDisconnect is Grace (the default), Cancel or Finish.
	OnDisconnect DisconnectPolicy
	// Grace is how long the Grace policy keeps generating after the last
	// reader left; zero means DefaultGrace. A reader on another replica
	// (through Redis) counts as one that came back.
	Grace time.Duration
}

// withDefaults fills o's zero bounds with the defaults. A stream's bytes
// are at most the bounds it is charged against, or no stream could keep a
// journal.
func (o ResumeOptions) withDefaults() ResumeOptions {
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.MaxStreamBytes <= 0 {
		o.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxJournalBytes
	}
	if o.MaxBytesPerKey <= 0 {
		o.MaxBytesPerKey = DefaultMaxKeyBytes
	}
	if o.MaxJournals <= 0 {
		o.MaxJournals = DefaultMaxJournals
	}
	if o.MaxJournalsPerKey <= 0 {
		o.MaxJournalsPerKey = DefaultMaxJournalsPerKey
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	o.MaxStreamBytes = min(o.MaxStreamBytes, o.MaxBytes, o.MaxBytesPerKey)
	return o
}

// Options configures the gateway. Zero values are usable defaults.
type Options struct {
	// Backend answers every request. Required.
	Backend rockstream.Backend
	// APIKeys, when not empty, are the keys callers must present, as
	// "Authorization: Bearer <key>" or "x-api-key: <key>".
	APIKeys []string
	// RequireKeys refuses requests without a valid key even when APIKeys
	// is empty (then every request is refused): set when listening beyond
	// loopback.
	RequireKeys bool
	// TestHeaderKeys are the API keys whose pace and fault headers are
	// honoured from beyond loopback; they count only when APIKeys
	// holds them. Nil honours those headers from loopback clients only.
	TestHeaderKeys []string
	// CORSOrigins are the browser origins allowed to call; "*" allows any.
	CORSOrigins []string
	// MaxBodyBytes bounds request bodies; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Keepalive is the silence after which a stream sends a keepalive;
	// zero means DefaultKeepalive.
	Keepalive time.Duration
	// WriteTimeout bounds each event's write; a reader that stops reading
	// is cut off after it. Zero means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// Resume makes streams resumable; the zero value turns it off.
	Resume ResumeOptions
	// Streams registers every stream for shutdown and bounds how many are
	// open, overall and per API key (relay.Tracker's Max and MaxPerKey);
	// share the server's so the bounds hold for the whole process. Nil
	// means the gateway's own, with the relay's default bounds.
	Streams *relay.Tracker
	// Redis, when set, shares the resume journals between replicas: any
	// replica serves GET and DELETE /v1/streams/{id} of a stream another
	// is producing. Nil keeps them in this process's memory. The gateway
	// does not close it.
	Redis redis.UniversalClient
	// Metrics, when set, registers the gateway's counters (streams whose
	// resume was lost to Redis trouble).
	Metrics prometheus.Registerer
	// Logger receives one line per stream; nil discards.
	Logger *slog.Logger
	// Models lists the model IDs GET /v1/models answers; nil means the
	// catalog's.
	Models func() []string
}

// Gateway is the registered handlers' shared state: open streams, resume
// journals and shutdown.
type Gateway struct {
	opts     Options
	log      *slog.Logger
	journals journalStore
	local    *memoryJournals // this replica's own journals
	shared   *redisJournals  // nil without Redis
	streams  *relay.Tracker
}

// Register adds the gateway's routes to mux and returns the Gateway, whose
// Shutdown the server calls before its own.
func Register(mux *http.ServeMux, opts Options) *Gateway {
	if opts.Keepalive <= 0 {
		opts.Keepalive = DefaultKeepalive
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	opts.Resume = opts.Resume.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	streams := opts.Streams
	if streams == nil {
		streams = new(relay.Tracker)
	}
	g := &Gateway{opts: opts, log: log, streams: streams}
	g.local = newMemoryJournals(opts.Resume)
	g.journals = g.local
	if opts.Redis != nil {
		g.shared = newRedisJournals(opts.Redis, g.local, log, opts.Metrics)
		g.journals = g.shared
	}
	mux.Handle("POST /v1/chat/completions", g.access(openaiDialect{}, requireJSON(g.chatCompletions)))
	mux.Handle("POST /v1/messages", g.access(anthropicDialect{}, requireJSON(g.messages)))
	mux.Handle("POST /v1/messages/count_tokens", g.access(anthropicDialect{}, requireJSON(g.countTokens)))
	mux.Handle("GET /v1/models", g.access(nil, g.models))
	mux.Handle("GET /v1/streams/{id}", g.access(nil, g.resume))
	mux.Handle("DELETE /v1/streams/{id}", g.access(nil, g.stop))
	mux.HandleFunc("OPTIONS /v1/", g.preflight)
	mux.HandleFunc("GET /readyz", g.readyz)
	return g
}

// Shutdown ends every open stream with a terminal event saying the server
// is shutting down, refuses new ones, and waits until their handlers and
// producers have finished or ctx ends.
func (g *Gateway) Shutdown(ctx context.Context) error {
	if err := g.streams.Shutdown(ctx); err != nil {
		return err
	}
	g.journals.clear()
	return nil
}
