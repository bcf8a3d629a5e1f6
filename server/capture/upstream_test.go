package capture_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// exchange is one request an upstream received, as it came on the wire,
// and the bytes the upstream answered with.
type exchange struct {
	Method string
	// URI is the request target exactly as sent: the escaped path
	// (a model ID's ':' as %3A) and any query.
	URI    string
	Header http.Header
	Body   []byte

	mu     sync.Mutex
	status int
	answer []byte
}

// answered is the status and body the upstream wrote so far.
func (ex *exchange) answered() (int, []byte) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.status, bytes.Clone(ex.answer)
}

// recorder keeps every exchange of the upstream it wraps.
type recorder struct {
	mu  sync.Mutex
	all []*exchange
}

// exchanges are the requests received so far, in order.
func (rec *recorder) exchanges() []*exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*exchange(nil), rec.all...)
}

// wrap records each request before next sees it, and each byte next
// writes before it leaves: whatever a client downstream has read is
// already recorded.
func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ex := &exchange{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: body}
		rec.mu.Lock()
		rec.all = append(rec.all, ex)
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(&teeWriter{ResponseWriter: w, ex: ex}, r)
	})
}

// teeWriter copies a response into its exchange. Unwrap lets
// http.ResponseController reach the connection's flush and deadlines.
type teeWriter struct {
	http.ResponseWriter
	ex *exchange
}

func (t *teeWriter) WriteHeader(code int) {
	t.ex.mu.Lock()
	if t.ex.status == 0 {
		t.ex.status = code
	}
	t.ex.mu.Unlock()
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.ex.mu.Lock()
	if t.ex.status == 0 {
		t.ex.status = http.StatusOK
	}
	t.ex.answer = append(t.ex.answer, p...)
	t.ex.mu.Unlock()
	return t.ResponseWriter.Write(p)
}

func (t *teeWriter) Flush() { _ = http.NewResponseController(t.ResponseWriter).Flush() }

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// serveRecorded serves h behind a recorder on loopback, over HTTP/1.1 and
// cleartext HTTP/2, until the test ends.
func serveRecorded(t *testing.T, h http.Handler) (*recorder, string) {
	t.Helper()
	rec := &recorder{}
	ts := httptest.NewUnstartedServer(rec.wrap(h))
	ts.Config.Protocols = new(http.Protocols)
	ts.Config.Protocols.SetHTTP1(true)
	ts.Config.Protocols.SetUnencryptedHTTP2(true)
	ts.Start()
	t.Cleanup(ts.Close)
	return rec, ts.URL
}

// bedrockUpstream stands in for Amazon Bedrock: rockstream's own Bedrock
// Runtime over a scripted model, so its answers are real event streams
// and its model shows what the runtime decoded from what arrived.
type bedrockUpstream struct {
	*recorder
	url   string
	model *fakebackend.Backend
}

func newBedrockUpstream(t *testing.T, adjust func(*fakebackend.Backend)) *bedrockUpstream {
	t.Helper()
	model := fakebackend.New(fakebackend.Story())
	if adjust != nil {
		adjust(model)
	}
	srv, err := server.New(server.Options{Backend: model})
	if err != nil {
		t.Fatal(err)
	}
	rec, url := serveRecorded(t, srv.Handler())
	return &bedrockUpstream{recorder: rec, url: url, model: model}
}

// openaiChunks are an OpenAI-compatible server's streamed answer, with
// fields rockstream has no use for (system_fingerprint, a vendor's
// x_groq-like extra) that a relay must keep.
var openaiChunks = []string{
	`{"id":"chatcmpl-up1","object":"chat.completion.chunk","created":1700000000,"model":"llama3.2","system_fingerprint":"fp_up","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`,
	`{"id":"chatcmpl-up1","object":"chat.completion.chunk","created":1700000000,"model":"llama3.2","system_fingerprint":"fp_up","choices":[{"index":0,"delta":{"content":"{\"zq_capital\":"},"logprobs":null,"finish_reason":null}]}`,
	`{"id":"chatcmpl-up1","object":"chat.completion.chunk","created":1700000000,"model":"llama3.2","system_fingerprint":"fp_up","choices":[{"index":0,"delta":{"content":"\"Paris\"}"},"logprobs":null,"finish_reason":null}]}`,
	`{"id":"chatcmpl-up1","object":"chat.completion.chunk","created":1700000000,"model":"llama3.2","system_fingerprint":"fp_up","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"x_vendor":{"queue_ms":3}}`,
	`{"id":"chatcmpl-up1","object":"chat.completion.chunk","created":1700000000,"model":"llama3.2","system_fingerprint":"fp_up","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`,
	`[DONE]`,
}

// openaiFailing is an answer that fails after its first text: the error
// object OpenAI-compatible servers send in place of a chunk.
var openaiFailing = []string{
	openaiChunks[0],
	openaiChunks[1],
	`{"error":{"message":"The server is overloaded.","type":"server_error","param":null,"code":"overloaded"}}`,
}

// openaiUpstream stands in for an OpenAI-compatible server answering every
// chat completion with chunks (openaiChunks when nil).
func openaiUpstream(t *testing.T, chunks []string) (*recorder, string) {
	t.Helper()
	if chunks == nil {
		chunks = openaiChunks
	}
	return serveRecorded(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, c := range chunks {
			_, _ = io.WriteString(w, "data: "+c+"\n\n")
			_ = http.NewResponseController(w).Flush()
		}
	}))
}
