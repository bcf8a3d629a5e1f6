package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestServeExportsTraces: with OTEL_EXPORTER_OTLP_ENDPOINT, serve exports
// the stream's span to the collector, carrying the request ID of the
// response, and the request's log line carries the span's trace ID.
func TestServeExportsTraces(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	spans := map[string]map[string]string{} // trace ID → attributes of its stream span
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					if !strings.HasPrefix(s.Name, "chat ") {
						continue
					}
					a := map[string]string{}
					for _, kv := range s.Attributes {
						a[kv.Key] = kv.Value.GetStringValue()
					}
					spans[traceHex(s.TraceId)] = a
				}
			}
		}
	}))
	defer collector.Close()
	url, w := serve(t, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.URL}, fast)
	res, err := http.Post(url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"anthropic.claude-3-haiku-20240307-v1:0","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	requestID := res.Header.Get("X-Amzn-Requestid")
	stopServe(t, w) // flushes the spans
	mu.Lock()
	defer mu.Unlock()
	if len(spans) != 1 {
		t.Fatalf("collector got stream spans %v, want one", spans)
	}
	for traceID, a := range spans {
		if a["request_id"] != requestID || requestID == "" || a["gen_ai.provider.name"] != "rockstream" {
			t.Errorf("span attributes %v, want request_id %q", a, requestID)
		}
		if !strings.Contains(w.stderr(), "trace_id="+traceID) {
			t.Errorf("no log line carries trace_id=%s:\n%s", traceID, w.stderr())
		}
	}
}

func traceHex(id []byte) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for _, c := range id {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}
