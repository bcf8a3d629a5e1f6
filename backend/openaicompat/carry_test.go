package openaicompat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
)

// A guardrail the upstream cannot apply is refused by name, as a typed
// validation error, and nothing is sent.
func TestRefusesGuardrailWithoutSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	b, _ := New(Options{BaseURL: srv.URL})
	req := request()
	req.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
	var err error
	for _, e := range b.Stream(context.Background(), req) {
		err = e
	}
	var e *rockstream.Error
	var fe *rockstream.FeatureError
	if !errors.As(err, &e) || e.Class != rockstream.ClassValidation || e.Code != "ValidationException" || e.StatusCode != 400 ||
		!errors.As(err, &fe) || fe.Feature != rockstream.FeatureGuardrail {
		t.Fatalf("err = %#v, want a typed refusal of the guardrail", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the upstream", hits.Load())
	}
}

// What chat completions carries arrives upstream.
func TestCarriedOptionsArriveUpstream(t *testing.T) {
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(b)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{}\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	b, _ := New(Options{BaseURL: srv.URL})
	req := request()
	req.ResponseFormat = &rockstream.ResponseFormat{Type: "json_schema", Name: "a", Schema: json.RawMessage(`{"type":"object"}`)}
	req.Metadata = map[string]string{"team": "a"}
	req.ServiceTier = "flex"
	for _, err := range b.Stream(context.Background(), req) {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := openai.FromChatRequest(body.Load().([]byte))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(got.ResponseFormat.Schema) || got.ResponseFormat.Name != "a" || got.Metadata["team"] != "a" || got.ServiceTier != "flex" {
		t.Errorf("upstream received %+v", got.Options)
	}
}
