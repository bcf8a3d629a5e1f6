package bedrock

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/converse"
)

// recorded is what a recording stand-in for Bedrock received.
type recorded struct {
	mu     sync.Mutex
	path   string
	header http.Header
	body   []byte
}

// recorder answers like Bedrock with frames and records each request.
func (rec *recorded) handler(frames [][]byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.path, rec.header, rec.body = r.URL.EscapedPath(), r.Header.Clone(), body
		rec.mu.Unlock()
		startStream(w)
		writeFrames(w, frames...)
	}
}

// modelOf is the model ID in a recorded /model/{id}/… path.
func (rec *recorded) modelOf(t *testing.T) string {
	t.Helper()
	parts := strings.Split(rec.path, "/")
	id, err := url.PathUnescape(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// carriedRequest asks for everything both Converse and the Claude body
// (with InvokeModel's headers) carry.
func carriedRequest(source rockstream.GuardrailSource) *rockstream.Request {
	return &rockstream.Request{
		Model: testModel, MaxTokens: 300,
		System: []string{"You are terse.", "Cite the report."},
		Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
			{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "pdf", Name: "report", Bytes: []byte("%PDF-1.7"),
				Context: "Q3", Citations: true}, Cache: &rockstream.CachePoint{TTL: "1h"}},
			{Type: rockstream.BlockText, Text: "Summarise.", Cache: &rockstream.CachePoint{}},
		}}},
		Tools: []rockstream.Tool{{Name: "lookup", InputSchema: json.RawMessage(`{"type":"object"}`), Cache: &rockstream.CachePoint{TTL: "5m"}}},
		Options: rockstream.Options{
			SystemCache: []rockstream.SystemCachePoint{{After: 2}},
			Guardrail: &rockstream.Guardrail{Identifier: "gr-abc123", Version: "3", Trace: "enabled_full",
				StreamProcessingMode: "async", Source: source},
			Metadata:      map[string]string{"team": "search"},
			Latency:       "optimized",
			ServiceTier:   "priority",
			AnthropicBeta: []string{"context-1m-2025-08-07"},
			ExtraFields:   map[string]json.RawMessage{"metadata": json.RawMessage(`{"user_id":"u-1"}`)},
		},
	}
}

// Every option a ConverseStream caller sets arrives upstream: the SDK's
// JSON, read back by the runtime's decoder, is the request sent.
func TestCaptureConverseStream(t *testing.T) {
	t.Parallel()
	rec := &recorded{}
	srv := newTLSServer(t, rec.handler(converseFrames(t)))
	c := newTestClient(t, srv, Options{API: Converse})
	req := carriedRequest(rockstream.GuardrailFromBody)
	req.ResponseFieldPaths = []string{"/stop_sequence"}
	req.Effort = "high"
	req.ResponseFormat = &rockstream.ResponseFormat{Type: "json_schema", Name: "summary", Schema: json.RawMessage(`{"type":"object"}`)}
	req.Messages[0].Content = append(req.Messages[0].Content, rockstream.Block{Type: rockstream.BlockGuardContent, Text: "Allowed?", Qualifiers: []string{"query"}})
	if _, err := collect(c, req); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(rec.path, "/converse-stream") {
		t.Fatalf("operation %s, want converse-stream", rec.path)
	}
	got, err := converse.DecodeRequest(rec.modelOf(t), rec.body)
	if err != nil {
		t.Fatalf("the upstream could not read %s: %v", rec.body, err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("upstream received\n %+v\nwant\n %+v\nbody %s", got, req, rec.body)
	}
}

// Every option an InvokeModelWithResponseStream caller sets arrives
// upstream, in the body or in the headers, through both transports.
func TestCaptureInvokeModelWithResponseStream(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		rec := &recorded{}
		srv := newTLSServer(t, rec.handler(claudeFrames(t, "Hi")))
		c := newTestClient(t, srv, Options{Direct: direct})
		req := carriedRequest(rockstream.GuardrailFromHeaders)
		req.Guardrail.TagSuffix = "xyz"
		if _, err := collect(c, req); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(rec.path, "/invoke-with-response-stream") {
			t.Fatalf("operation %s", rec.path)
		}
		for k, want := range map[string]string{"X-Amzn-Bedrock-GuardrailIdentifier": "gr-abc123", "X-Amzn-Bedrock-GuardrailVersion": "3",
			"X-Amzn-Bedrock-Trace": "ENABLED_FULL", "X-Amzn-Bedrock-PerformanceConfig-Latency": "optimized",
			"X-Amzn-Bedrock-Service-Tier": "priority", "X-Amzn-Bedrock-Request-Metadata": `{"team":"search"}`} {
			if got := rec.header.Get(k); got != want {
				t.Errorf("header %s = %q, want %q", k, got, want)
			}
		}
		got, err := dialect.DecodeInvoke(anthropic.Codec{}, rec.modelOf(t), rec.body, rec.header)
		if err != nil {
			t.Fatalf("the upstream could not read %s: %v", rec.body, err)
		}
		if !reflect.DeepEqual(got, req) {
			t.Errorf("upstream received\n %+v\nwant\n %+v\nbody %s", got, req, rec.body)
		}
	})
}

// What the chosen operation cannot carry is refused before anything is
// sent, naming the field.
func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		api     API
		model   string
		edit    func(*rockstream.Request)
		feature rockstream.Feature
	}{
		{"titan cache point", Invoke, "amazon.titan-text-express-v1", func(r *rockstream.Request) {
			r.Messages[0].Content[0].Cache = &rockstream.CachePoint{}
		}, rockstream.FeatureCachePoint},
		{"claude response field paths", Invoke, testModel, func(r *rockstream.Request) { r.ResponseFieldPaths = []string{"/x"} },
			rockstream.FeatureResponseFieldPaths},
		{"converse tag suffix", Converse, testModel, func(r *rockstream.Request) {
			r.Guardrail = &rockstream.Guardrail{Identifier: "g", Version: "1", TagSuffix: "x"}
		}, rockstream.FeatureGuardrail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := newTLSServer(t, counted(&hits, func(w http.ResponseWriter, r *http.Request, _ int) { startStream(w) }))
			for _, direct := range []bool{false, true} {
				c := newTestClient(t, srv, Options{API: tt.api, Direct: direct})
				req := textRequest("hi")
				req.Model = tt.model
				tt.edit(req)
				_, err := collect(c, req)
				e := asError(t, err)
				var fe *rockstream.FeatureError
				if e.Class != rockstream.ClassValidation || !errors.As(err, &fe) || fe.Feature != tt.feature {
					t.Errorf("direct=%v: err = %#v, want a refusal of %s", direct, err, tt.feature)
				}
			}
			if hits.Load() != 0 {
				t.Errorf("%d requests reached the upstream", hits.Load())
			}
		})
	}
}
