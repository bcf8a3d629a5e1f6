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

// DisconnectPolicy says what happens to a resumable stream's upstream when
// its reader goes away.
type DisconnectPolicy int

const (
	// Cancel stops the upstream request; what was generated stays
	// resumable.
	Cancel DisconnectPolicy = iota
	// Finish keeps generating into the journal, so a reader that comes
	// back gets the whole answer.
	Finish
)

// ResumeOptions configures resumable streams. The zero value turns resume
// off.
type ResumeOptions struct {
	// Retention is how long a stream's journal is kept after its last
	// reader left; zero turns resume off.
	Retention time.Duration
	// MaxEvents bounds each journal; zero means DefaultMaxEvents. A
	// journal that is full of undelivered events makes the upstream wait.
	MaxEvents int
	// OnDisconnect is Cancel (the default) or Finish.
	OnDisconnect DisconnectPolicy
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
	journals *journalStore
	streams  relay.Tracker
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
	if opts.Resume.MaxEvents <= 0 {
		opts.Resume.MaxEvents = DefaultMaxEvents
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{opts: opts, log: log, journals: newJournalStore()}
	mux.Handle("POST /v1/chat/completions", g.access(openaiDialect{}, requireJSON(g.chatCompletions)))
	mux.Handle("POST /v1/messages", g.access(anthropicDialect{}, requireJSON(g.messages)))
	mux.Handle("POST /v1/messages/count_tokens", g.access(anthropicDialect{}, requireJSON(g.countTokens)))
	mux.Handle("GET /v1/models", g.access(nil, g.models))
	mux.Handle("GET /v1/streams/{id}", g.access(nil, g.resume))
	mux.Handle("DELETE /v1/streams/{id}", g.access(nil, g.stop))
	mux.HandleFunc("OPTIONS /v1/", g.preflight)
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
