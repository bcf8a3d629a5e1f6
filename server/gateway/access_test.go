package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/internal/sse"
)

func TestAPIKeys(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("hi")...), APIKeys: []string{"sk-good"}})
	tests := []struct {
		name, path, body string
		header           []string
		status           int
		errType          string
	}{
		{"openai no key", "/v1/chat/completions", chatBody, nil, 401, "authentication_error"},
		{"openai bad key", "/v1/chat/completions", chatBody, []string{"Authorization", "Bearer sk-bad"}, 401, "authentication_error"},
		{"openai bearer", "/v1/chat/completions", chatBody, []string{"Authorization", "Bearer sk-good"}, 200, ""},
		{"anthropic no key", "/v1/messages", messagesBody, nil, 401, "authentication_error"},
		{"anthropic x-api-key", "/v1/messages", messagesBody, []string{"x-api-key", "sk-good"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv.URL+tt.path, tt.body, tt.header...)
			body := bodyOf(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, body)
			}
			if tt.errType != "" && !strings.Contains(string(body), `"type":"`+tt.errType+`"`) {
				t.Errorf("body %s, want error type %s", body, tt.errType)
			}
		})
	}
	res, _ := http.Get(srv.URL + "/v1/models")
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("models without a key: %d", res.StatusCode)
	}
}

func TestRequireKeysWithoutKeysRefusesAll(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("hi")...), RequireKeys: true})
	res := post(t, srv.URL+"/v1/chat/completions", chatBody, "Authorization", "Bearer anything")
	if res.StatusCode != 401 {
		t.Errorf("status %d, want 401", res.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("hi")...), CORSOrigins: []string{"https://app.example"}, APIKeys: []string{"k"}})
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/v1/chat/completions", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := preflight("https://app.example")
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		res.Header.Get("Access-Control-Allow-Headers") != "authorization, content-type" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("allowed preflight: %d %v", res.StatusCode, res.Header)
	}
	if res := preflight("https://evil.example"); res.StatusCode != 403 || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight: %d %v", res.StatusCode, res.Header)
	}
	res = post(t, srv.URL+"/v1/chat/completions", chatBody, "Origin", "https://app.example", "Authorization", "Bearer k")
	if res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), HeaderStreamID) {
		t.Errorf("stream response headers %v", res.Header)
	}
}

func TestBodyLimit(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("hi")...), MaxBodyBytes: 100})
	big := `{"model":"m","messages":[{"role":"user","content":"` + strings.Repeat("x", 200) + `"}]}`
	res := post(t, srv.URL+"/v1/chat/completions", big)
	if body := bodyOf(t, res); res.StatusCode != 413 || !strings.Contains(string(body), "invalid_request_error") {
		t.Errorf("%d %s", res.StatusCode, body)
	}
	res = post(t, srv.URL+"/v1/messages", big)
	if body := bodyOf(t, res); res.StatusCode != 413 || !strings.Contains(string(body), "invalid_request_error") {
		t.Errorf("%d %s", res.StatusCode, body)
	}
}

func TestValidationErrorsInDialect(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("hi")...)})
	res := post(t, srv.URL+"/v1/chat/completions", `{"model":"m","messages":[]}`)
	var oe struct{ Error struct{ Type, Param string } }
	json.Unmarshal(bodyOf(t, res), &oe)
	if res.StatusCode != 400 || oe.Error.Type != "invalid_request_error" || oe.Error.Param != "messages" {
		t.Errorf("openai: %d %+v", res.StatusCode, oe)
	}
	res = post(t, srv.URL+"/v1/messages", `{"model":"m"}`)
	var ae struct {
		Type  string
		Error struct{ Type string }
	}
	json.Unmarshal(bodyOf(t, res), &ae)
	if res.StatusCode != 400 || ae.Type != "error" || ae.Error.Type != "invalid_request_error" {
		t.Errorf("anthropic: %d %+v", res.StatusCode, ae)
	}
	res = post(t, srv.URL+"/v1/chat/completions", chatBody, builtin.HeaderPace, "ttft=banana")
	if res.StatusCode != 400 {
		t.Errorf("bad pace header: %d", res.StatusCode)
	}
}

func TestNonStreaming(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("Hello", ", world")...)})
	res := post(t, srv.URL+"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	var c struct {
		Object  string
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
		}
	}
	if err := json.Unmarshal(bodyOf(t, res), &c); err != nil {
		t.Fatal(err)
	}
	if c.Object != "chat.completion" || c.Choices[0].Message.Content != "Hello, world" || c.Choices[0].FinishReason != "stop" ||
		c.Usage.PromptTokens != 11 || c.Usage.CompletionTokens != 2 {
		t.Errorf("completion %+v", c)
	}
	res = post(t, srv.URL+"/v1/messages", `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`)
	var m struct {
		Type    string
		Content []struct{ Type, Text string }
	}
	if err := json.Unmarshal(bodyOf(t, res), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "message" || len(m.Content) != 1 || m.Content[0].Text != "Hello, world" {
		t.Errorf("message %+v", m)
	}
}

func TestModels(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(), Models: func() []string { return []string{"a", "b"} }})
	res, err := http.Get(srv.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Object string
		Data   []struct{ ID, Object string }
	}
	json.Unmarshal(bodyOf(t, res), &list)
	if list.Object != "list" || len(list.Data) != 2 || list.Data[1].ID != "b" || list.Data[0].Object != "model" {
		t.Errorf("models %+v", list)
	}
	srv2, _ := newServer(t, Options{Backend: newFake()})
	res, _ = http.Get(srv2.URL + "/v1/models")
	json.Unmarshal(bodyOf(t, res), &list)
	if len(list.Data) < 5 {
		t.Errorf("catalog models: %d", len(list.Data))
	}
}

// TestBuiltinFaults drives the builtin backend's fault headers through the
// gateway: a silence gets keepalives, a cut drops the connection.
func TestBuiltinFaults(t *testing.T) {
	be := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	srv, _ := newServer(t, Options{Backend: be, Keepalive: 5e6})
	const model = "anthropic.claude-3-haiku-20240307-v1:0"
	body := strings.Replace(chatBody, `"model":"m"`, `"model":"`+model+`"`, 1)

	res := post(t, srv.URL+"/v1/chat/completions", body, builtin.HeaderFault, "silence=200ms,after=3")
	msgs := readEvents(t, res.Body)
	var pings int
	for _, m := range msgs {
		if m.IsComment && m.Comment == "ping" {
			pings++
		}
	}
	if pings == 0 || !msgs[len(msgs)-1].IsDone() {
		t.Errorf("%d pings, last %+v", pings, msgs[len(msgs)-1])
	}

	res = post(t, srv.URL+"/v1/chat/completions", body, builtin.HeaderFault, "cut,after=3")
	rd := sse.NewReader(res.Body)
	var err error
	for err == nil {
		_, err = rd.Next()
	}
	if err.Error() == "EOF" {
		t.Errorf("a cut stream ended cleanly")
	}

	res = post(t, srv.URL+"/v1/messages", strings.Replace(messagesBody, `"model":"m"`, `"model":"`+model+`"`, 1), builtin.HeaderFault, "ThrottlingException")
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("throttled: %d %v", res.StatusCode, res.Header)
	}
}
