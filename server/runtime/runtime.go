// Package runtime serves Bedrock Runtime's wire on an http.ServeMux:
// InvokeModel, InvokeModelWithResponseStream, Converse and ConverseStream
// under /model/{modelId}/…, plus the control-plane listings the SDKs call
// (ListFoundationModels, GetFoundationModel, ListInferenceProfiles). Bodies
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
	wrap := func(f http.HandlerFunc) http.Handler {
		var next http.Handler = withRequestID(f)
		if o.Auth != nil {
			next = o.Auth(next)
		}
		return next
	}
	mux.Handle("POST /model/{modelId}/invoke", wrap(h.checkModel(h.invoke)))
	mux.Handle("POST /model/{modelId}/invoke-with-response-stream", wrap(h.checkModel(h.invokeStream)))
	mux.Handle("POST /model/{modelId}/converse", wrap(h.checkModel(h.converse)))
	mux.Handle("POST /model/{modelId}/converse-stream", wrap(h.checkModel(h.converseStream)))
	mux.Handle("POST /model/{modelId}/count-tokens", wrap(h.checkModel(h.countTokens)))
	mux.Handle("GET /foundation-models", wrap(h.listFoundationModels))
	mux.Handle("GET /foundation-models/{modelIdentifier}", wrap(h.getFoundationModel))
	mux.Handle("GET /inference-profiles", wrap(h.listInferenceProfiles))
}
