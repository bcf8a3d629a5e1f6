package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/tracing"
)

// serveTracer is serve's tracing, off (nil tracer) unless --otlp-endpoint
// or OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
type serveTracer struct {
	tracer   trace.Tracer
	provider string
}

// providers name where answers come from, as gen_ai.provider.name.
var providers = map[string]string{"builtin": "rockstream", "bedrock": "aws.bedrock", "openai": "openai", "replay": "rockstream.replay"}

// startTracing starts exporting spans when an endpoint is set; stop
// flushes them.
func (s *scaleFlags) startTracing(ctx context.Context, bf backendFlags, used []string) (serveTracer, func(), error) {
	if s.otlpEndpoint == "" {
		return serveTracer{}, func() {}, nil
	}
	tp, err := tracing.Start(ctx, s.otlpEndpoint, strings.TrimSpace(versionLine()))
	if err != nil {
		return serveTracer{}, nil, err
	}
	stop := func() {
		grace, cancel := context.WithTimeout(context.Background(), server.ShutdownGrace)
		defer cancel()
		_ = tp.Shutdown(grace)
	}
	provider := providers[used[0]]
	if len(used) > 1 || bf.routes != "" || bf.inline["routes"] != nil {
		provider = "rockstream.router"
	}
	return serveTracer{tracer: tracerOf(tp), provider: provider}, stop, nil
}

func tracerOf(tp *sdktrace.TracerProvider) trace.Tracer {
	return tp.Tracer("github.com/rockstream/rockstream")
}

func (t serveTracer) wrap(b rockstream.Backend) rockstream.Backend {
	if t.tracer == nil {
		return b
	}
	return tracing.Wrap(b, t.tracer, t.provider)
}

func (t serveTracer) middleware() func(http.Handler) http.Handler {
	if t.tracer == nil {
		return nil
	}
	return tracing.Middleware(t.tracer)
}

func (t serveTracer) logHandler(h slog.Handler) slog.Handler {
	if t.tracer == nil {
		return h
	}
	return tracing.LogHandler(h)
}
