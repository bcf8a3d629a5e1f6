package dialect_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/cohere"
	"github.com/rockstream/rockstream/dialect/llama"
	"github.com/rockstream/rockstream/dialect/mistral"
	"github.com/rockstream/rockstream/dialect/nova"
	"github.com/rockstream/rockstream/dialect/titan"
)

func TestInvokeHeadersRoundTrip(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{Options: rockstream.Options{
		Guardrail: &rockstream.Guardrail{Identifier: "gr-1", Version: "DRAFT", Trace: "enabled_full", Source: rockstream.GuardrailFromHeaders},
		Latency:   "optimized", ServiceTier: "flex", Metadata: map[string]string{"team": "a b", "run": "7"},
	}}
	h, err := dialect.InvokeHeaders(req)
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("X-Amzn-Bedrock-Trace") != "ENABLED_FULL" || h.Get("X-Amzn-Bedrock-GuardrailIdentifier") != "gr-1" ||
		h.Get("X-Amzn-Bedrock-Service-Tier") != "flex" || h.Get("X-Amzn-Bedrock-PerformanceConfig-Latency") != "optimized" {
		t.Errorf("headers %v", h)
	}
	got := &rockstream.Request{}
	if err := dialect.ApplyInvokeHeaders(got, h); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got.Options, req.Options)
	}
}

func TestApplyInvokeHeadersRejectsBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    map[string]string
		want string
	}{
		{"trace", map[string]string{"X-Amzn-Bedrock-Trace": "on"}, "X-Amzn-Bedrock-Trace"},
		{"no version", map[string]string{"X-Amzn-Bedrock-GuardrailIdentifier": "g"}, "Guardrail version must be specified"},
		{"latency", map[string]string{"X-Amzn-Bedrock-PerformanceConfig-Latency": "fast"}, "X-Amzn-Bedrock-PerformanceConfig-Latency"},
		{"tier", map[string]string{"X-Amzn-Bedrock-Service-Tier": "gold"}, "X-Amzn-Bedrock-Service-Tier"},
		{"metadata", map[string]string{"X-Amzn-Bedrock-Request-Metadata": `{"a":1}`}, "X-Amzn-Bedrock-Request-Metadata"},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		err := dialect.ApplyInvokeHeaders(&rockstream.Request{}, h)
		var e *rockstream.Error
		if !errors.As(err, &e) || e.Class != rockstream.ClassValidation || !strings.Contains(e.Message, tt.want) {
			t.Errorf("%s: err = %v, want a validation error naming %s", tt.name, err, tt.want)
		}
	}
}

func TestGuardrailBodyKey(t *testing.T) {
	t.Parallel()
	body := []byte(`{"inputText":"hi"}`)
	g := &rockstream.Guardrail{Identifier: "g", Version: "1", TagSuffix: "xyz", StreamProcessingMode: "async"}
	with, err := dialect.AddGuardrailBody(body, g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(with), `"amazon-bedrock-guardrailConfig":{"streamProcessingMode":"ASYNCHRONOUS","tagSuffix":"xyz"}`) {
		t.Errorf("body %s", with)
	}
	h := http.Header{}
	h.Set("X-Amzn-Bedrock-GuardrailIdentifier", "g")
	h.Set("X-Amzn-Bedrock-GuardrailVersion", "1")
	req, err := dialect.DecodeInvoke(titan.Codec{}, "amazon.titan-text-express-v1", with, h)
	if err != nil {
		t.Fatal(err)
	}
	want := &rockstream.Guardrail{Identifier: "g", Version: "1", TagSuffix: "xyz", StreamProcessingMode: "async", Source: rockstream.GuardrailFromHeaders}
	if !reflect.DeepEqual(req.Guardrail, want) || rockstream.TextOf(req.Messages[0].Content) != "hi" {
		t.Errorf("decoded guardrail %+v, messages %+v", req.Guardrail, req.Messages)
	}
	if _, err := dialect.DecodeInvoke(titan.Codec{}, "amazon.titan-text-express-v1", with, http.Header{}); err == nil ||
		!strings.Contains(err.Error(), "X-Amzn-Bedrock-GuardrailIdentifier") {
		t.Errorf("body key without the identifier header: err = %v", err)
	}
	for _, bad := range []string{`{"inputText":"hi","amazon-bedrock-guardrailConfig":{"streamProcessingMode":"async"}}`,
		`{"inputText":"hi","amazon-bedrock-guardrailConfig":{"other":"x"}}`, `{"inputText":"hi","amazon-bedrock-guardrailConfig":1}`} {
		if _, _, err := dialect.SplitGuardrailBody([]byte(bad)); err == nil {
			t.Errorf("SplitGuardrailBody(%s) accepted", bad)
		}
	}
	if got, _ := dialect.AddGuardrailBody(body, &rockstream.Guardrail{Identifier: "g"}); string(got) != string(body) {
		t.Errorf("a header-only guardrail changed the body: %s", got)
	}
}

// The prompt and messages families carry none of the body features: each
// refuses them by name, and InvokeModel's own features pass.
func TestFamiliesRefuseWhatTheirBodyCannotCarry(t *testing.T) {
	t.Parallel()
	codecs := map[string]dialect.Codec{"titan": titan.Codec{}, "nova": nova.Codec{}, "llama": llama.Codec{}, "mistral": mistral.Codec{}, "cohere": cohere.Codec{}}
	asks := map[rockstream.Feature]func(*rockstream.Request){
		rockstream.FeatureCachePoint: func(r *rockstream.Request) { r.Messages[0].Content[0].Cache = &rockstream.CachePoint{} },
		rockstream.FeatureDocument: func(r *rockstream.Request) {
			r.Messages[0].Content[0] = rockstream.Block{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "txt", Text: "x"}}
		},
		rockstream.FeatureGuardContent: func(r *rockstream.Request) {
			r.Messages[0].Content[0] = rockstream.Block{Type: rockstream.BlockGuardContent, Text: "x"}
		},
		rockstream.FeatureResponseFormat:     func(r *rockstream.Request) { r.ResponseFormat = &rockstream.ResponseFormat{Type: "json_object"} },
		rockstream.FeatureEffort:             func(r *rockstream.Request) { r.Effort = "low" },
		rockstream.FeatureExtraFields:        func(r *rockstream.Request) { r.ExtraFields = map[string]json.RawMessage{"k": json.RawMessage("1")} },
		rockstream.FeatureResponseFieldPaths: func(r *rockstream.Request) { r.ResponseFieldPaths = []string{"/x"} },
		rockstream.FeatureAnthropicBeta:      func(r *rockstream.Request) { r.AnthropicBeta = []string{"b"} },
	}
	for name, c := range codecs {
		for f, ask := range asks {
			req := &rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}}
			ask(req)
			_, err := c.EncodeRequest(req)
			var fe *rockstream.FeatureError
			if !errors.As(err, &fe) || fe.Feature != f || !strings.Contains(err.Error(), name) {
				t.Errorf("%s with %s: err = %v, want a refusal naming it", name, f, err)
			}
		}
		req := &rockstream.Request{Model: "m", Messages: []rockstream.Message{rockstream.UserText("hi")}, Options: rockstream.Options{
			Guardrail: &rockstream.Guardrail{Identifier: "g", Version: "1"}, Metadata: map[string]string{"a": "b"}, Latency: "optimized", ServiceTier: "priority"}}
		if _, err := c.EncodeRequest(req); err != nil {
			t.Errorf("%s refused what InvokeModel headers carry: %v", name, err)
		}
	}
}

func FuzzApplyInvokeHeaders(f *testing.F) {
	f.Add("gr-1", "1", "ENABLED", "optimized", "priority", `{"a":"b"}`, `{"inputText":"x","amazon-bedrock-guardrailConfig":{"tagSuffix":"s"}}`)
	f.Add("", "", "", "", "", "", `{}`)
	f.Fuzz(func(t *testing.T, id, ver, trace, latency, tier, meta, body string) {
		h := http.Header{}
		for k, v := range map[string]string{dialect.HeaderGuardrailIdentifier: id, dialect.HeaderGuardrailVersion: ver, dialect.HeaderTrace: trace,
			dialect.HeaderLatency: latency, dialect.HeaderServiceTier: tier, dialect.HeaderRequestMetadata: meta} {
			h.Set(k, v)
		}
		req := &rockstream.Request{}
		if err := dialect.ApplyInvokeHeaders(req, h); err != nil {
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Class != rockstream.ClassValidation {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		again, err := dialect.InvokeHeaders(req)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", req.Options, err)
		}
		back := &rockstream.Request{}
		if err := dialect.ApplyInvokeHeaders(back, again); err != nil || !reflect.DeepEqual(back.Options, req.Options) {
			t.Fatalf("headers do not round-trip: %+v vs %+v (%v)", back.Options, req.Options, err)
		}
		if rest, g, err := dialect.SplitGuardrailBody([]byte(body)); err == nil && g != nil {
			if _, err := dialect.AddGuardrailBody(rest, g); err != nil {
				t.Fatalf("re-adding %+v: %v", g, err)
			}
		}
	})
}
