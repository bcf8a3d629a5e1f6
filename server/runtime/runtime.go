// Package runtime serves Bedrock Runtime's wire on an http.ServeMux:
// InvokeModel, InvokeModelWithResponseStream, Converse and ConverseStream
// under /model/{modelId}/…, ApplyGuardrail, the async-invoke operations
// (StartAsyncInvoke, GetAsyncInvoke, ListAsyncInvokes) on an in-memory job
// store, plus the control-plane listings the SDKs call
// (ListFoundationModels, GetFoundationModel, ListInferenceProfiles), and
// a journal of the requests received (GET and DELETE
// /_rockstream/requests) for tests to assert on. Bodies
// are decoded with the model family's codec, answered by a
// rockstream.Backend, and encoded back with the same codec, one flushed
// event-stream frame per event.
package runtime

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/override"
	"github.com/rockstream/rockstream/server/relay"
)

// Defaults for Options' zero values.
const (
	// DefaultMaxBodyBytes is InvokeModel's body limit.
	DefaultMaxBodyBytes = 25_000_000
	// DefaultWriteTimeout bounds each frame's write to a slow reader.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultRegion is the region control-plane ARNs name.
	DefaultRegion = "us-east-1"
)

// Options configures the runtime routes.
type Options struct {
	// Backend answers every request. Required.
	Backend rockstream.Backend
	// Region names the region in control-plane ARNs; empty means us-east-1.
	Region string
	// Logger receives stream failures; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// WriteTimeout bounds the write of each frame, so a reader that stops
	// reading ends its stream; zero means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// Auth, if set, wraps every route (e.g. (*auth.Verifier).Middleware).
	Auth func(http.Handler) http.Handler
	// Tracker, if set, is the server's registry of open streams, which
	// shutdown ends with an exception frame; nil means the runtime's own.
	Tracker *relay.Tracker
	// Codec picks a model family's codec from a model ID and request
	// body; nil means the family registry, and for models it does not
	// know, the family the catalog gives them.
	Codec func(modelID string, body []byte) (dialect.Codec, error)
	// Guardrails serves ApplyGuardrail; nil means the Backend's own when
	// it is a rockstream.GuardrailApplier, else every guardrail is
	// unknown.
	Guardrails rockstream.GuardrailApplier
	// GuardrailRelay, when Guardrails is nil, passes ApplyGuardrail on
	// unchanged to the upstream whose guardrails they are; nil means the
	// Backend when it is a rockstream.GuardrailRelayer.
	GuardrailRelay rockstream.GuardrailRelayer
	// AsyncDir is the directory standing in for S3 where async-invoke
	// jobs write their output (s3://bucket/prefix is bucket/prefix under
	// it); empty turns StartAsyncInvoke off.
	AsyncDir string
	// AsyncMaxJobs bounds the async-invoke job store; zero means
	// DefaultAsyncMaxJobs.
	AsyncMaxJobs int
	// JournalEntries bounds the request journal; zero means
	// DefaultJournalEntries.
	JournalEntries int
	// JournalKeys are the verified keys that may read the request journal
	// from beyond loopback; nil means loopback clients only.
	JournalKeys []string
	// Catalog is the model list; nil means catalog.Current() at each
	// request. A model the list has never seen, of a known provider, is
	// served as its provider's family with an X-Rockstream-Model-Fallback
	// header, or refused as Bedrock refuses it when the catalog is strict.
	Catalog *catalog.Catalog
}

// handler holds the resolved options of one registration.
type handler struct {
	backend      rockstream.Backend
	region       string
	log          *slog.Logger
	maxBody      int64
	writeTimeout time.Duration
	codec        func(string, []byte) (dialect.Codec, error)
	tracker      *relay.Tracker
	guardrails   rockstream.GuardrailApplier
	relayGuards  rockstream.GuardrailRelayer
	async        *asyncStore
	journal      *journal
	models       *catalog.Catalog
}

// Register mounts the Bedrock Runtime and control-plane routes on mux.
// Patterns match the escaped path, so a model ID holding an ARN with %2F or
// raw or escaped colons arrives whole in {modelId}.
func Register(mux *http.ServeMux, o Options) {
	h := &handler{
		backend: o.Backend, region: o.Region, log: o.Logger, maxBody: o.MaxBodyBytes,
		writeTimeout: o.WriteTimeout, codec: o.Codec, tracker: o.Tracker, models: o.Catalog,
	}
	if h.tracker == nil {
		h.tracker = new(relay.Tracker)
	}
	if h.region == "" {
		h.region = DefaultRegion
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.writeTimeout <= 0 {
		h.writeTimeout = DefaultWriteTimeout
	}
	if h.codec == nil {
		h.codec = h.familyCodec
	}
	h.guardrails = o.Guardrails
	if h.guardrails == nil {
		h.guardrails, _ = o.Backend.(rockstream.GuardrailApplier)
	}
	h.relayGuards = o.GuardrailRelay
	if h.relayGuards == nil {
		h.relayGuards, _ = o.Backend.(rockstream.GuardrailRelayer)
	}
	if o.AsyncDir != "" {
		h.async = newAsyncStore(o.AsyncDir, o.AsyncMaxJobs)
	}
	h.journal = &journal{max: o.JournalEntries, keys: o.JournalKeys}
	if h.journal.max <= 0 {
		h.journal.max = DefaultJournalEntries
	}
	wrapped := func(f http.HandlerFunc) http.Handler {
		var next http.Handler = withRequestID(f)
		if o.Auth != nil {
			next = o.Auth(next)
		}
		return next
	}
	// Every operation's request is noted in the journal once it has
	// passed authentication.
	op := func(name string, f http.HandlerFunc) http.Handler {
		return wrapped(h.journal.record(name, h.maxBody, f))
	}
	mux.Handle("POST /model/{modelId}/invoke", op("InvokeModel", blobBody(h.checkModel(h.invoke))))
	mux.Handle("POST /model/{modelId}/invoke-with-response-stream", op("InvokeModelWithResponseStream", blobBody(h.checkModel(h.invokeStream))))
	mux.Handle("POST /model/{modelId}/converse", op("Converse", jsonBody(h.checkModel(h.converse))))
	mux.Handle("POST /model/{modelId}/converse-stream", op("ConverseStream", jsonBody(h.checkModel(h.converseStream))))
	mux.Handle("POST /model/{modelId}/count-tokens", op("CountTokens", jsonBody(h.checkModel(h.countTokens))))
	mux.Handle("POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply", op("ApplyGuardrail", jsonBody(h.applyGuardrail)))
	mux.Handle("POST /async-invoke", op("StartAsyncInvoke", jsonBody(h.startAsyncInvoke)))
	mux.Handle("GET /async-invoke/{invocationArn}", op("GetAsyncInvoke", h.getAsyncInvoke))
	mux.Handle("GET /async-invoke", op("ListAsyncInvokes", h.listAsyncInvokes))
	mux.Handle("GET /foundation-models", op("ListFoundationModels", h.listFoundationModels))
	mux.Handle("GET /foundation-models/{modelIdentifier}", op("GetFoundationModel", h.getFoundationModel))
	mux.Handle("GET /inference-profiles", op("ListInferenceProfiles", h.listInferenceProfiles))
	// The journal is a test tool: loopback clients read it without
	// credentials, others only with a verified key allowed to.
	journalRoute := func(f http.HandlerFunc) http.Handler {
		local, remote := withRequestID(f), wrapped(f)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if override.IsLoopback(r.RemoteAddr) {
				local(w, r)
				return
			}
			remote.ServeHTTP(w, r)
		})
	}
	mux.Handle("GET /_rockstream/requests", journalRoute(h.journal.list))
	mux.Handle("DELETE /_rockstream/requests", journalRoute(h.journal.clear))
}
