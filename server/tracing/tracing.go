// Package tracing exports one OpenTelemetry span per model stream, named
// and described by the GenAI semantic conventions (operation, provider,
// requested model, token usage, finish reasons), with time to first token
// and the outcome. Every span carries the request ID the logs and the
// x-amzn-RequestId header carry, and log lines written under a traced
// request carry its trace ID, so a stream can be followed from one to the
// other.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// Start exports spans over OTLP/HTTP to endpoint, a base URL such as
// http://collector:4318 to which /v1/traces is added, as for
// OTEL_EXPORTER_OTLP_ENDPOINT. Shutdown flushes what is still queued.
func Start(ctx context.Context, endpoint, version string) (*sdktrace.TracerProvider, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracing: OTLP endpoint %q is not an http:// or https:// URL", endpoint)
	}
	if !strings.HasSuffix(u.Path, "/v1/traces") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u.String()))
	if err != nil {
		return nil, err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName("rockstream"), semconv.ServiceVersion(version))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// Wrap traces every stream of b with tracer: one client span per stream,
// provider naming where answers come from (gen_ai.provider.name, e.g.
// "aws.bedrock").
func Wrap(b rockstream.Backend, tracer trace.Tracer, provider string) rockstream.Backend {
	return traced{next: b, tracer: tracer, provider: provider}
}

type traced struct {
	next     rockstream.Backend
	tracer   trace.Tracer
	provider string
}

// CountTokens passes counting on untraced: it is not a stream.
func (t traced) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return rockstream.CountTokens(ctx, t.next, req)
}

func (t traced) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		attrs := []attribute.KeyValue{
			attribute.String("gen_ai.operation.name", "chat"),
			attribute.String("gen_ai.provider.name", t.provider),
			attribute.String("gen_ai.system", t.provider),
			attribute.String("gen_ai.request.model", req.Model),
		}
		if req.MaxTokens > 0 {
			attrs = append(attrs, attribute.Int("gen_ai.request.max_tokens", req.MaxTokens))
		}
		if id := wire.RequestIDFrom(ctx); id != "" {
			attrs = append(attrs, attribute.String("request_id", id))
		}
		ctx, span := t.tracer.Start(ctx, "chat "+req.Model, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
		s := spanState{span: span, start: time.Now()}
		outcome := "cancelled" // the reader stopped before the end
		defer func() { s.end(outcome) }()
		for ev, err := range t.next.Stream(ctx, req) {
			if err != nil {
				outcome = s.fail(err)
				yield(nil, err)
				return
			}
			s.observe(ev)
			if !yield(ev, nil) {
				return
			}
		}
		outcome = s.outcome
	}
}

// spanState is what one stream's span learns as events pass.
type spanState struct {
	span       trace.Span
	start      time.Time
	firstToken bool
	usage      rockstream.Usage
	outcome    string
}

func (s *spanState) observe(ev rockstream.Event) {
	switch e := ev.(type) {
	case rockstream.TextDelta, rockstream.ToolInputDelta, rockstream.ReasoningDelta:
		if !s.firstToken {
			s.firstToken = true
			ttft := time.Since(s.start)
			s.span.SetAttributes(attribute.Float64("gen_ai.response.time_to_first_token", ttft.Seconds()))
			s.span.AddEvent("gen_ai.first_token")
		}
	case rockstream.MessageStart:
		s.usage.InputTokens = max(s.usage.InputTokens, e.Usage.InputTokens)
	case rockstream.MessageStop:
		s.span.SetAttributes(attribute.StringSlice("gen_ai.response.finish_reasons", []string{string(e.StopReason)}))
		s.outcome = "complete"
		if e.StopReason.Truncated() {
			s.outcome = "truncated"
		}
	case rockstream.Metadata:
		s.usage.InputTokens = max(s.usage.InputTokens, e.Usage.InputTokens)
		s.usage.OutputTokens = max(s.usage.OutputTokens, e.Usage.OutputTokens)
	}
}

// fail records a stream's error and returns its outcome.
func (s *spanState) fail(err error) string {
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	e := rockstream.AsError(err)
	s.span.SetAttributes(attribute.String("error.type", string(e.Class)))
	s.span.RecordError(err)
	s.span.SetStatus(codes.Error, e.Error())
	return "error"
}

func (s *spanState) end(outcome string) {
	s.span.SetAttributes(
		attribute.Int("gen_ai.usage.input_tokens", s.usage.InputTokens),
		attribute.Int("gen_ai.usage.output_tokens", s.usage.OutputTokens),
		attribute.String("rockstream.outcome", outcome),
	)
	s.span.End()
}

// Middleware gives every request a server span, so that the stream's span
// and every log line written under the request share its trace.
func Middleware(tracer trace.Tracer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, span := tracer.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
					attribute.String("request_id", wire.RequestIDFrom(r.Context()))))
			defer span.End()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// LogHandler adds trace_id and span_id to every record logged with a
// context that carries a span.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
