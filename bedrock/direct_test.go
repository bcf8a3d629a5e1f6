package bedrock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/eventframe"
	"github.com/rockstream/rockstream/server/auth"
)

// Both transports turn every failure into the same *rockstream.Error, with
// the same SDK error type in its chain.
func TestTransportsFailAlike(t *testing.T) {
	t.Parallel()
	start, _, deltas := claudeChunks("a", "b")
	var head [][]byte
	for _, c := range append(start, deltas...) {
		head = append(head, chunkFrame(t, c))
	}
	after := func(frames ...[]byte) http.HandlerFunc {
		return serveFrames(append(slices.Clip(head), frames...)...)
	}
	answer := func(status int, header, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Amzn-Requestid", "req-err")
			if k, v, ok := strings.Cut(header, ": "); ok {
				w.Header().Set(k, v)
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"access denied", func(w http.ResponseWriter, r *http.Request) { writeError(w, 403, "AccessDeniedException", "no access") }},
		{"throttled with Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			writeError(w, 429, "ThrottlingException", "slow down")
		}},
		{"model error with original status", answer(424, "X-Amzn-Errortype: ModelErrorException", `{"message":"bad","originalStatusCode":400,"resourceName":"m"}`)},
		{"type in the body only", answer(400, "Content-Type: application/json", `{"__type":"com.amazon.coral#ValidationException","message":"Malformed input request"}`)},
		{"code in the body only", answer(404, "Content-Type: application/json", `{"code":"ResourceNotFoundException","Message":"gone"}`)},
		{"unknown exception", func(w http.ResponseWriter, r *http.Request) { writeError(w, 400, "WeirdNewException", "new") }},
		{"bare 503", answer(503, "Content-Type: application/json", `{}`)},
		{"plain-text 502", answer(502, "Content-Type: text/plain", "upstream connect error")},
		{"HTML 502", answer(502, "Content-Type: text/html", "<html><body>Bad Gateway</body></html>")},
		{"JSON 200", answer(200, "Content-Type: application/json", `{"hello":"world"}`)},
		{"text 200 without a type", answer(200, "", "this is not an event stream at all, just text")},
		{"model stream error", after(exceptionFrame(t, "modelStreamErrorException", `{"message":"failed","originalStatusCode":503,"originalMessage":"x"}`))},
		{"throttling in stream", after(exceptionFrame(t, "throttlingException", `{"message":"slow"}`))},
		{"validation in stream", after(exceptionFrame(t, "validationException", `{"message":"bad"}`))},
		{"unknown exception in stream", after(exceptionFrame(t, "weirdException", `{"message":"odd"}`))},
		{"error message", after(frame(t, nil, ":message-type", "error", ":error-code", "InternalFailure", ":error-message", "oops"))},
		{"unknown message type", after(frame(t, nil, ":message-type", "gossip"))},
		{"no message type", after(frame(t, []byte("{}"), ":event-type", "chunk"))},
		{"no event type", after(frame(t, []byte("{}"), ":message-type", "event"))},
		{"unknown event type then end", after(frame(t, []byte("{}"), ":message-type", "event", ":event-type", "future"))},
		{"chunk without bytes", after(frame(t, []byte(`{"p":"x"}`), ":message-type", "event", ":event-type", "chunk"))},
		{"chunk that is not JSON", after(frame(t, []byte(`{"bytes":`), ":message-type", "event", ":event-type", "chunk"))},
		{"model's error chunk", after(chunkFrame(t, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))},
		{"cut inside a frame", after(head[0][:20])},
		{"corrupt frame", after(corrupt(head[0]))},
		{"ends without message_stop", after()},
		{"server resets the stream", after(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTLSServer(t, tt.handler)
			var got [2]outcome
			for i, tr := range transports {
				events, err := collect(newTestClient(t, srv, Options{Direct: tr.direct, MaxAttempts: 1}), textRequest("x"))
				got[i] = outcomeOf(t, events, err)
			}
			if got[0] != got[1] {
				t.Errorf("transports differ:\n sdk    %+v\n direct %+v", got[0], got[1])
			}
		})
	}
}

// outcome is what a caller can observe of a failed stream.
type outcome struct {
	text                   string
	class                  rockstream.ErrorClass
	code, message, request string
	status, original       int
	retryable, inStream    bool
	retryAfter             time.Duration
	incomplete             bool
	apiType                string
}

func outcomeOf(t *testing.T, events []rockstream.Event, err error) outcome {
	t.Helper()
	if err == nil {
		t.Fatal("stream ended cleanly")
	}
	e := asError(t, err)
	o := outcome{
		text: textOf(events), class: e.Class, code: e.Code, request: e.RequestID,
		status: e.StatusCode, original: e.OriginalStatusCode, retryable: e.Retryable,
		inStream: e.InStream, retryAfter: e.RetryAfter, incomplete: errors.Is(err, rockstream.ErrIncomplete),
	}
	// Protocol and cut messages quote each decoder's own wording.
	if e.Class != rockstream.ClassProtocol && !o.incomplete {
		o.message = e.Message
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		o.apiType = fmt.Sprintf("%T", apiErr)
	}
	return o
}

// The direct request is what the SDK sends: a SigV4 signature that a
// strict verifier accepts (session token included), the SDK's headers, and
// the model ID escaped in the path below the endpoint's own path.
func TestDirectRequest(t *testing.T) {
	t.Parallel()
	verifier, err := auth.New(auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	models := []struct{ id, path string }{
		{testModel, "/prefix/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"},
		{"us." + testModel, "/prefix/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"},
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us." + testModel,
			"/prefix/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"},
	}
	for _, m := range models {
		t.Run(m.id, func(t *testing.T) {
			t.Parallel()
			var got *http.Request
			srv := newTLSServer(t, verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r
				serveFrames(claudeFrames(t, "ok")...)(w, r)
			})))
			cfg := staticConfig()
			cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "session-token")
			c := newTestClient(t, srv, Options{Direct: true, AWSConfig: cfg})
			c.direct.endpoint.Path = "/prefix" // as an endpoint URL with a path gives
			req := textRequest("x")
			req.Model = m.id
			events, err := collect(c, req)
			if err != nil || textOf(events) != "ok" {
				t.Fatalf("text %q, error %v", textOf(events), err)
			}
			if got.URL.EscapedPath() != m.path {
				t.Errorf("path %q, want %q", got.URL.EscapedPath(), m.path)
			}
			for k, want := range map[string]string{
				"Content-Type": "application/json", "X-Amzn-Bedrock-Accept": "application/json",
				"X-Amz-Security-Token": "session-token", "Accept": "",
			} {
				if v := got.Header.Get(k); v != want {
					t.Errorf("header %s %q, want %q", k, v, want)
				}
			}
		})
	}
}

// Without an endpoint URL the SDK's resolver picks Bedrock's regional
// endpoint.
func TestDirectDefaultEndpoint(t *testing.T) {
	t.Parallel()
	cfg := staticConfig()
	cfg.Region = "eu-west-3"
	c, err := New(context.Background(), Options{AWSConfig: cfg, Direct: true})
	if err != nil {
		t.Fatal(err)
	}
	op := c.prepareDirect("meta.llama3-8b-instruct-v1:0", nil, nil)
	want := "https://bedrock-runtime.eu-west-3.amazonaws.com/model/meta.llama3-8b-instruct-v1%3A0/invoke-with-response-stream"
	if got := op.url.String(); got != want {
		t.Errorf("URL %s, want %s", got, want)
	}
}

// refusingClient fails the test if anything is sent.
type refusingClient struct{ t *testing.T }

func (r refusingClient) Do(req *http.Request) (*http.Response, error) {
	r.t.Errorf("a request was sent to %s", req.URL)
	return nil, errors.New("refused")
}

func TestDirectBearerStaysOffPlainHTTPToOtherHosts(t *testing.T) {
	t.Setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-123")
	c, err := New(context.Background(), Options{
		Region: "us-east-1", EndpointURL: "http://bedrock.example.internal", Direct: true,
		HTTPClient: refusingClient{t}, MaxAttempts: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = collect(c, textRequest("x"))
	if err == nil || !strings.Contains(err.Error(), "only sent over https") {
		t.Errorf("error %v, want the key refused", err)
	}
}

func TestAuthOrder(t *testing.T) {
	t.Parallel()
	tests := []struct{ preference, want []string }{
		{nil, []string{"sigv4", "httpBearerAuth"}},
		{[]string{"httpBearerAuth"}, []string{"httpBearerAuth", "sigv4"}},
		{[]string{"sigv4a", "httpBearerAuth", "sigv4"}, []string{"httpBearerAuth", "sigv4"}},
	}
	for _, tt := range tests {
		if got := authOrder(tt.preference); !slices.Equal(got, tt.want) {
			t.Errorf("authOrder(%q) = %q, want %q", tt.preference, got, tt.want)
		}
	}
}

// headerValue gives back every header type the SDK's encoder writes.
func TestHeaderValue(t *testing.T) {
	t.Parallel()
	var msg eventstream.Message
	msg.Headers.Set("t", eventstream.BoolValue(true))
	msg.Headers.Set("f", eventstream.BoolValue(false))
	msg.Headers.Set("i8", eventstream.Int8Value(-8))
	msg.Headers.Set("i16", eventstream.Int16Value(-16))
	msg.Headers.Set("i32", eventstream.Int32Value(-32))
	msg.Headers.Set("i64", eventstream.Int64Value(-64))
	msg.Headers.Set("b", eventstream.BytesValue("raw"))
	msg.Headers.Set("s", eventstream.StringValue("text"))
	msg.Headers.Set("ts", eventstream.TimestampValue(time.UnixMilli(1700000000123)))
	msg.Headers.Set("u", eventstream.UUIDValue{1, 2, 3, 15: 16})
	var buf bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&buf, msg); err != nil {
		t.Fatal(err)
	}
	m, err := eventframe.NewReader(&buf).Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Headers) != len(msg.Headers) {
		t.Fatalf("%d headers, want %d", len(m.Headers), len(msg.Headers))
	}
	for i, h := range m.Headers {
		want := msg.Headers[i]
		got := headerValue(h)
		if string(h.Name) != want.Name || got == nil || got.String() != want.Value.String() {
			t.Errorf("header %s = %v, want %s = %v", h.Name, got, want.Name, want.Value)
		}
	}
}

// Frames split across reads anywhere still decode.
func TestDirectStreamOneByteAtATime(t *testing.T) {
	t.Parallel()
	body := bytes.Join(claudeFrames(t, "slow", "ly"), nil)
	s := newDirectStream(io.NopCloser(iotest.OneByteReader(bytes.NewReader(body))), nopCodec{}, nil)
	var chunks int
	s.onChunk = func([]byte) { chunks++ }
	var err error
	for err == nil {
		_, err = s.next(context.Background(), nil)
	}
	if err != io.EOF || chunks != 7 {
		t.Errorf("error %v after %d chunks, want io.EOF after 7", err, chunks)
	}
}

// The SDK's endpoint rules refuse a region that cannot be a host label;
// with Direct that surfaces from New.
func TestDirectInvalidRegion(t *testing.T) {
	t.Parallel()
	cfg := staticConfig()
	cfg.Region = "us east 1"
	_, err := New(context.Background(), Options{AWSConfig: cfg, Direct: true})
	if e := asError(t, err); e.Class != rockstream.ClassValidation || !strings.Contains(e.Message, "endpoint") {
		t.Errorf("error %+v, want a validation error about the endpoint", e)
	}
}
