// Package server is rockstream's one HTTP server: the local Bedrock Runtime
// (package runtime), the control-plane listings and /healthz on one
// http.ServeMux, with authentication, per-request logging and the
// per-request pace, fault and seed headers (package override), served over
// HTTP/1.1 and cleartext HTTP/2 on the same port.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/override"
	"github.com/rockstream/rockstream/quota"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/relay"
	"github.com/rockstream/rockstream/server/runtime"
)

// Timeouts of the HTTP server. There is deliberately no WriteTimeout: it
// would cut long streams; each frame has its own write deadline instead.
const (
	ReadHeaderTimeout = 10 * time.Second
	IdleTimeout       = 2 * time.Minute
	// ShutdownGrace is how long in-flight streams may finish after the
	// serving context ends before their connections are closed.
	ShutdownGrace = 5 * time.Second
)

// Options configures a Server.
type Options struct {
	// Backend answers every model request. Required.
	Backend rockstream.Backend
	// Auth says how requests authenticate; the zero value is mode any.
	Auth auth.Config
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Region names the region in control-plane ARNs; empty means us-east-1.
	Region string
	// MaxBodyBytes bounds request bodies; zero means InvokeModel's limit
	// of 25,000,000 bytes.
	MaxBodyBytes int64
	// TestHeaderKeys are the access key IDs and API keys whose pace and
	// fault headers are honoured from beyond loopback; only keys that
	// strict mode verifies count, and a SigV4 request must sign the
	// header. Nil honours them from loopback clients only.
	TestHeaderKeys []string
	// AllowHosts are the Host names the server answers besides its
	// loopback names (localhost, *.localhost, 127.0.0.1, [::1], with any
	// port): names, addresses, or "*.domain" for a domain's subdomains.
	// Any other Host is refused with 403 in the path's error shape, so a
	// page on a DNS-rebound name cannot reach a loopback server.
	AllowHosts []string
	// AnyHost turns the Host check off. Set it only when the server is
	// reachable beyond loopback and requires keys, which then guard it.
	AnyHost bool
	// CORSOrigins are the browser origins, besides the server's own, that
	// may call the Bedrock Runtime and the other non-/v1 paths ("*": any);
	// a request with another Origin is refused with 403 before any work.
	// The gateway checks /v1 against its own CORSOrigins.
	CORSOrigins []string
	// Guardrails serves ApplyGuardrail; nil means the Backend's own, if
	// it has any.
	Guardrails rockstream.GuardrailApplier
	// GuardrailRelay, when there are no Guardrails, passes ApplyGuardrail
	// on unchanged to the upstream whose guardrails they are; nil means
	// the Backend, if it can.
	GuardrailRelay rockstream.GuardrailRelayer
	// AsyncDir is where async-invoke jobs write their output, standing in
	// for S3; empty turns StartAsyncInvoke off.
	AsyncDir string
	// Mount, if set, adds more routes (gateway, web page, metrics) to the
	// server's mux.
	Mount func(mux *http.ServeMux)
	// Streams registers the open Bedrock streams for shutdown and bounds
	// them (relay.Tracker's Max and MaxPerKey); nil means a new Tracker
	// with the default bounds.
	Streams *relay.Tracker
	// Trace, if set, wraps every request inside the request ID and outside
	// the request log (package tracing's Middleware), so the log line and
	// the streams share the request's trace.
	Trace func(http.Handler) http.Handler
}

// Server is the configured handler tree, ready to serve.
type Server struct {
	handler http.Handler
	log     *slog.Logger
	streams *relay.Tracker
}

// New builds a Server from o.
func New(o Options) (*Server, error) {
	if o.Backend == nil {
		return nil, errors.New("server: no backend")
	}
	verifier, err := auth.New(o.Auth)
	if err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	streams := o.Streams
	if streams == nil {
		streams = new(relay.Tracker)
	}
	runtime.Register(mux, runtime.Options{
		Backend: o.Backend, Region: o.Region, Logger: log, MaxBodyBytes: o.MaxBodyBytes,
		Auth: func(h http.Handler) http.Handler {
			return verifier.Middleware(withQuotaKey(withOverrides(override.Trust{Keys: o.TestHeaderKeys}, h)))
		},
		Tracker: streams, Guardrails: o.Guardrails, GuardrailRelay: o.GuardrailRelay, AsyncDir: o.AsyncDir, JournalKeys: o.TestHeaderKeys,
	})
	mux.HandleFunc("GET /healthz", healthz)
	if o.Mount != nil {
		o.Mount(mux)
	}
	front := &frontDoor{mux: mux, anyHost: o.AnyHost, hosts: o.AllowHosts, origins: o.CORSOrigins}
	h := logRequests(log, front)
	if o.Trace != nil {
		h = o.Trace(h)
	}
	return &Server{handler: withRequestID(h), log: log, streams: streams}, nil
}

// Handler is the whole server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves HTTP/1.1 and cleartext HTTP/2 (prior knowledge, as the AWS
// SDK for JavaScript sends it) on ln until ctx ends, then shuts down
// gracefully, with the default ConnLimits. It returns nil after a shutdown
// caused by ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.ServeWith(ctx, ln, ConnLimits{})
}

// withQuotaKey tells the quota limiter the key strict mode verified; in
// mode any nothing is verified and every caller shares the key "".
func withQuotaKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := auth.IdentityFrom(r.Context()); ok {
			r = r.WithContext(quota.WithKey(r.Context(), id.Key))
		}
		next.ServeHTTP(w, r)
	})
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}
