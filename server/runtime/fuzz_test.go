package runtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
)

// FuzzInvokeRequest sends arbitrary model IDs, operations (the invoke and
// converse ones, and count-tokens with its envelope) and bodies
// through the runtime's handler: it must never panic, must answer every
// request with a status, and must keep serving a good request afterwards.
func FuzzInvokeRequest(f *testing.F) {
	f.Add("anthropic.claude-3-haiku-20240307-v1%3A0", "invoke-with-response-stream", labBody)
	f.Add("anthropic.claude-3-haiku-20240307-v1:0", "invoke", `{"anthropic_version":"x","max_tokens":0,"messages":[]}`)
	f.Add(arnEscape, "converse-stream", converseBody)
	f.Add("amazon.titan-text-express-v1", "invoke", `{"inputText":"hi","textGenerationConfig":{"maxTokenCount":5}}`)
	f.Add("meta.llama3-8b-instruct-v1%3A0", "converse", `{"messages":[{"role":"user","content":[{"text":""}]}]}`)
	f.Add("%ZZ", "invoke", "{")
	f.Add("anthropic.claude-3-haiku-20240307-v1:0", "count-tokens", `{"input":{"invokeModel":{"body":"eyJhbnRocm9waWNfdmVyc2lvbiI6IngiLCJtYXhfdG9rZW5zIjo1LCJtZXNzYWdlcyI6W119"}}}`)
	f.Add("meta.llama3-8b-instruct-v1:0", "count-tokens", `{"input":{"converse":{"messages":[{"role":"user","content":[{"text":"hi"}]}],"system":[{"text":"s"}]}}}`)
	f.Add("us.anthropic.claude-3-5-haiku-20241022-v1:0", "invoke", `{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]}`)
	mux := http.NewServeMux()
	Register(mux, Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}}), MaxBodyBytes: 1 << 16})
	good := "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
	goodBody := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`
	f.Fuzz(func(t *testing.T, modelID, op, body string) {
		target := "/model/" + modelID + "/" + op
		if strings.ContainsAny(target, " \t\r\n?#") || !validTarget(target) {
			return
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, strings.NewReader(body)))
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		rec = httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, good, strings.NewReader(goodBody)))
		if rec.Code != http.StatusOK {
			t.Fatalf("good request after %q: status %d %s", target, rec.Code, rec.Body)
		}
	})
}

// validTarget reports whether httptest.NewRequest accepts target (it
// panics on request lines Go cannot parse).
func validTarget(target string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	httptest.NewRequest(http.MethodPost, target, nil)
	return true
}
