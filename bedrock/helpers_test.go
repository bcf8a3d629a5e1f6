package bedrock

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
)

func TestMain(m *testing.M) {
	// Never probe the instance metadata service, and keep the developer's
	// own AWS settings out of the tests.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	none := filepath.Join(os.TempDir(), "rockstream-bedrock-test-no-such-file")
	os.Setenv("AWS_CONFIG_FILE", none)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL_BEDROCK", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		os.Unsetenv(k)
	}
	os.Exit(m.Run())
}

const testModel = "anthropic.claude-3-5-haiku-20241022-v1:0"

// frame encodes one event-stream message with the SDK's encoder.
func frame(t testing.TB, payload []byte, headers ...string) []byte {
	t.Helper()
	var msg eventstream.Message
	for i := 0; i+1 < len(headers); i += 2 {
		msg.Headers.Set(headers[i], eventstream.StringValue(headers[i+1]))
	}
	msg.Payload = payload
	var buf bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&buf, msg); err != nil {
		t.Fatalf("encode frame: %v", err)
	}
	return buf.Bytes()
}

// chunkFrame is an InvokeModelWithResponseStream chunk carrying inner.
func chunkFrame(t testing.TB, inner string) []byte {
	t.Helper()
	payload, _ := json.Marshal(map[string]string{"bytes": base64.StdEncoding.EncodeToString([]byte(inner)), "p": "abcdef"})
	return frame(t, payload, ":event-type", "chunk", ":content-type", "application/json", ":message-type", "event")
}

// exceptionFrame is a modeled exception, typ in lowerCamel.
func exceptionFrame(t testing.TB, typ, payload string) []byte {
	t.Helper()
	return frame(t, []byte(payload), ":exception-type", typ, ":content-type", "application/json", ":message-type", "exception")
}

// claudeChunks is the chunk JSON of an Anthropic Messages stream whose text
// block carries texts.
func claudeChunks(texts ...string) (start, end []string, deltas []string) {
	start = []string{
		`{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
	}
	for _, s := range texts {
		b, _ := json.Marshal(s)
		deltas = append(deltas, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`+string(b)+`}}`)
	}
	end = []string{
		`{"type":"content_block_stop","index":0}`,
		`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}`,
		`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":12,"outputTokenCount":7,"invocationLatency":900,"firstByteLatency":300}}`,
	}
	return start, end, deltas
}

// claudeFrames is a whole stream's frames.
func claudeFrames(t testing.TB, texts ...string) [][]byte {
	t.Helper()
	start, end, deltas := claudeChunks(texts...)
	var frames [][]byte
	for _, c := range append(append(start, deltas...), end...) {
		frames = append(frames, chunkFrame(t, c))
	}
	return frames
}

// startStream writes the headers of a streaming answer.
func startStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", eventStreamType)
	w.Header().Set("X-Amzn-Bedrock-Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", "req-123")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
}

// writeFrames writes and flushes each frame. A nil frame aborts the
// response, as a server that fails mid-stream does.
func writeFrames(w http.ResponseWriter, frames ...[]byte) {
	for _, f := range frames {
		if f == nil {
			panic(http.ErrAbortHandler)
		}
		w.Write(f)
		w.(http.Flusher).Flush()
	}
}

// serveFrames answers every request with a stream of frames.
func serveFrames(frames ...[]byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		startStream(w)
		writeFrames(w, frames...)
	}
}

// writeError answers as Bedrock does before a stream.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", "req-err")
	w.Header().Set("X-Amzn-Errortype", code+":http://internal.amazon.com/coral/com.amazon.bedrock/")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, message)
}

// counted counts the requests h serves.
func counted(hits *atomic.Int32, h func(w http.ResponseWriter, r *http.Request, hit int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(hits.Add(1)))
	}
}

// newTLSServer serves h over TLS with HTTP/2, as Bedrock does.
func newTLSServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// staticConfig is an AWS config with fixed credentials.
func staticConfig() *aws.Config {
	return &aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	}
}

// newTestClient is a client for srv with fast retries.
func newTestClient(t testing.TB, srv *httptest.Server, opts Options) *Client {
	t.Helper()
	opts.EndpointURL = srv.URL
	if opts.HTTPClient == nil && strings.HasPrefix(srv.URL, "https://") {
		opts.HTTPClient = srv.Client()
	}
	if opts.AWSConfig == nil {
		opts.AWSConfig = staticConfig()
	}
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.backoff = func(int) time.Duration { return time.Millisecond }
	return c
}

func textRequest(prompt string) *rockstream.Request {
	return &rockstream.Request{Model: testModel, MaxTokens: 100, Messages: []rockstream.Message{rockstream.UserText(prompt)}}
}

// collect runs a stream to its end.
func collect(c *Client, req *rockstream.Request) (events []rockstream.Event, err error) {
	for ev, err := range c.Stream(context.Background(), req) {
		if err != nil {
			return events, err
		}
		events = append(events, ev)
	}
	return events, nil
}

func textOf(events []rockstream.Event) string {
	var sb strings.Builder
	for _, ev := range events {
		if d, ok := ev.(rockstream.TextDelta); ok {
			sb.WriteString(d.Text)
		}
	}
	return sb.String()
}

// asError requires err to be a *rockstream.Error.
func asError(t testing.TB, err error) *rockstream.Error {
	t.Helper()
	e, ok := err.(*rockstream.Error)
	if !ok {
		t.Fatalf("error %T %v is not a *rockstream.Error", err, err)
	}
	return e
}

// transports are the two ways a Client can read
// InvokeModelWithResponseStream: through the SDK, and direct.
var transports = []struct {
	name   string
	direct bool
}{{"sdk", false}, {"direct", true}}

// forTransports runs f as one subtest per transport.
func forTransports(t *testing.T, f func(t *testing.T, direct bool)) {
	t.Helper()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { f(t, tr.direct) })
	}
}
