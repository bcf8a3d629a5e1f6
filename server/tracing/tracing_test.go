package tracing

import (
	"bytes"
	"context"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// events is a backend that yields its events, then err if set.
type events struct {
	evs []rockstream.Event
	err error
}

func (b events) Stream(context.Context, *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range b.evs {
			if !yield(ev, nil) {
				return
			}
		}
		if b.err != nil {
			yield(nil, b.err)
		}
	}
}

var answer = []rockstream.Event{
	rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: 12}},
	rockstream.TextDelta{Text: "Hello"},
	rockstream.MessageStop{StopReason: rockstream.StopMaxTokens},
	rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 12, OutputTokens: 7}},
}

func drain(ctx context.Context, b rockstream.Backend) {
	for _, err := range b.Stream(ctx, &rockstream.Request{Model: "anthropic.claude-3-haiku-20240307-v1:0", MaxTokens: 7}) {
		if err != nil {
			return
		}
	}
}

func recorded(t *testing.T) (*tracetest.InMemoryExporter, trace.Tracer) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return exp, tp.Tracer("test")
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestStreamSpan: one span per stream with the GenAI attributes, time to
// first token, the outcome and the request ID, a child of the request's
// span; a log line under the request carries the trace ID.
func TestStreamSpan(t *testing.T) {
	t.Parallel()
	exp, tracer := recorded(t)
	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&logs, nil)))
	h := Middleware(tracer)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		drain(r.Context(), Wrap(events{evs: answer}, tracer, "aws.bedrock"))
		log.InfoContext(r.Context(), "request")
	}))
	req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", nil)
	req = req.WithContext(wire.WithRequestID(req.Context(), "req-123"))
	h.ServeHTTP(httptest.NewRecorder(), req)

	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want the request's and the stream's", len(spans))
	}
	stream, server := spans[0], spans[1]
	if stream.Name != "chat anthropic.claude-3-haiku-20240307-v1:0" || stream.SpanKind != trace.SpanKindClient ||
		stream.Parent.SpanID() != server.SpanContext.SpanID() {
		t.Fatalf("stream span %q kind %v, parent %v; want a client child of %v", stream.Name, stream.SpanKind, stream.Parent.SpanID(), server.SpanContext.SpanID())
	}
	a := attrs(stream)
	for key, want := range map[attribute.Key]string{
		"gen_ai.operation.name": "chat", "gen_ai.provider.name": "aws.bedrock",
		"gen_ai.request.model": "anthropic.claude-3-haiku-20240307-v1:0", "request_id": "req-123",
		"rockstream.outcome": "truncated",
	} {
		if got := a[key].Emit(); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if a["gen_ai.usage.input_tokens"].AsInt64() != 12 || a["gen_ai.usage.output_tokens"].AsInt64() != 7 ||
		a["gen_ai.request.max_tokens"].AsInt64() != 7 {
		t.Errorf("usage attributes: %v", stream.Attributes)
	}
	if reasons := a["gen_ai.response.finish_reasons"].AsStringSlice(); len(reasons) != 1 || reasons[0] != "max_tokens" {
		t.Errorf("finish reasons %v", reasons)
	}
	if _, ok := a["gen_ai.response.time_to_first_token"]; !ok || len(stream.Events) != 1 || stream.Events[0].Name != "gen_ai.first_token" {
		t.Errorf("no time to first token: attributes %v, events %v", stream.Attributes, stream.Events)
	}
	if want := "trace_id=" + server.SpanContext.TraceID().String(); !strings.Contains(logs.String(), want) {
		t.Errorf("log line %q lacks %s", logs.String(), want)
	}
}

func TestFailedStreamSpan(t *testing.T) {
	t.Parallel()
	exp, tracer := recorded(t)
	throttled := &rockstream.Error{Class: rockstream.ClassThrottling, StatusCode: 429, Message: "slow down"}
	drain(context.Background(), Wrap(events{evs: answer[:2], err: throttled}, tracer, "openai"))
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	a := attrs(spans[0])
	if spans[0].Status.Code != codes.Error || a["error.type"].AsString() != "throttling" || a["rockstream.outcome"].AsString() != "error" {
		t.Fatalf("status %v, attributes %v; want an error span of class throttling", spans[0].Status, spans[0].Attributes)
	}
}

// TestOTLPExport: a real export over OTLP/HTTP reaches a receiver as a
// protobuf ExportTraceServiceRequest holding the stream's span.
func TestOTLPExport(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []*collectortrace.ExportTraceServiceRequest
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "unexpected "+r.URL.Path, http.StatusBadRequest)
			return
		}
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, &req)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	}))
	defer receiver.Close()
	ctx := context.Background()
	tp, err := Start(ctx, receiver.URL, "test")
	if err != nil {
		t.Fatal(err)
	}
	drain(ctx, Wrap(events{evs: answer}, tp.Tracer("rockstream"), "rockstream"))
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatalf("flushing: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	var names []string
	for _, req := range got {
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					names = append(names, s.Name)
					for _, kv := range s.Attributes {
						if kv.Key == "gen_ai.usage.output_tokens" && kv.Value.GetIntValue() != 7 {
							t.Errorf("exported output tokens %v", kv.Value)
						}
					}
				}
			}
		}
	}
	if len(names) != 1 || names[0] != "chat anthropic.claude-3-haiku-20240307-v1:0" {
		t.Fatalf("receiver got spans %v", names)
	}
}
