package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// TestCountTokens counts a Messages request over HTTP with the builtin
// backend, and checks the answer and each failure in the Anthropic shape.
func TestCountTokens(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: builtin.New(builtin.Options{})})
	const model = "anthropic.claude-3-sonnet-20240229-v1:0"
	res := post(t, srv.URL+"/v1/messages/count_tokens",
		`{"model":"`+model+`","system":"Be brief.","messages":[{"role":"user","content":"Tell me a story about a brave cat"}]}`)
	var got struct {
		InputTokens int `json:"input_tokens"`
	}
	if err := json.Unmarshal(bodyOf(t, res), &got); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d: %v", res.StatusCode, err)
	}
	want := builtin.InputTokens(&rockstream.Request{System: []string{"Be brief."},
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about a brave cat")}})
	if got.InputTokens != want || want == 0 {
		t.Errorf("input_tokens %d, want %d", got.InputTokens, want)
	}

	for _, tt := range []struct {
		body   string
		status int
		typ    string
		want   string
	}{
		{`{"model":"` + model + `","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, 400, "invalid_request_error", "max_tokens: Extra inputs are not permitted"},
		{`{"model":"acme.unknown-v1","messages":[{"role":"user","content":"hi"}]}`, 400, "invalid_request_error", "model identifier is invalid"},
		{`{`, 400, "invalid_request_error", "error parsing the body"},
	} {
		res := post(t, srv.URL+"/v1/messages/count_tokens", tt.body)
		var e struct {
			Type  string
			Error struct{ Type, Message string }
		}
		_ = json.Unmarshal(bodyOf(t, res), &e)
		if res.StatusCode != tt.status || e.Type != "error" || e.Error.Type != tt.typ || !strings.Contains(e.Error.Message, tt.want) {
			t.Errorf("%s: HTTP %d %+v, want %d %s saying %q", tt.body, res.StatusCode, e, tt.status, tt.typ, tt.want)
		}
	}

	// A backend that cannot count says so in the same shape.
	srv2, _ := newServer(t, Options{Backend: newFake(story("Hello")...)})
	res = post(t, srv2.URL+"/v1/messages/count_tokens", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if body := bodyOf(t, res); res.StatusCode != 400 || !strings.Contains(string(body), "doesn't support counting tokens") {
		t.Errorf("non-counting backend: HTTP %d %s", res.StatusCode, body)
	}
}
