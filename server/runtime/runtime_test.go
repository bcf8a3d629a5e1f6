package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

const (
	haiku     = "anthropic.claude-3-haiku-20240307-v1:0"
	labBody   = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":8000,"temperature":0,"messages":[{"role":"user","content":"Tell me a story."}]}`
	streamOp  = "/invoke-with-response-stream"
	arnEscape = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0"
)

func newServer(t *testing.T, b rockstream.Backend) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux, Options{Backend: b})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, ts *httptest.Server, path, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// decodedFrame is one event-stream message, read back.
type decodedFrame struct {
	messageType, eventType, exceptionType string
	payload                               []byte
}

func readFrame(t *testing.T, r io.Reader) (decodedFrame, error) {
	t.Helper()
	m, err := eventstream.NewDecoder().Decode(r, nil)
	if err != nil {
		return decodedFrame{}, err
	}
	get := func(name string) string {
		if v := m.Headers.Get(name); v != nil {
			return v.String()
		}
		return ""
	}
	if ct := get(":content-type"); ct != "application/json" {
		t.Errorf(":content-type = %q", ct)
	}
	return decodedFrame{get(":message-type"), get(":event-type"), get(":exception-type"), m.Payload}, nil
}

func readAllFrames(t *testing.T, r io.Reader) ([]decodedFrame, error) {
	t.Helper()
	var out []decodedFrame
	for {
		f, err := readFrame(t, r)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
}

// chunkEvents decodes IMWRS chunk frames with the Anthropic decoder.
func chunkEvents(t *testing.T, frames []decodedFrame) []rockstream.Event {
	t.Helper()
	dec := anthropic.NewStreamDecoder()
	var evs []rockstream.Event
	for _, f := range frames {
		if f.messageType != "event" || f.eventType != "chunk" {
			continue
		}
		var p struct {
			Bytes string `json:"bytes"`
			P     string `json:"p"`
		}
		if err := json.Unmarshal(f.payload, &p); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(p.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if evs, err = dec.Decode(evs, raw); err != nil {
			t.Fatal(err)
		}
	}
	return evs
}

func TestInvokeStream(t *testing.T) {
	for _, ct := range []string{"", "application/json", "application/octet-stream"} {
		t.Run("content-type "+ct, func(t *testing.T) {
			fake := fakebackend.New(fakebackend.Story())
			res := post(t, newServer(t, fake), "/model/"+haiku+streamOp, ct, labBody)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			for name, want := range map[string]string{
				"Content-Type":                "application/vnd.amazon.eventstream",
				"X-Amzn-Bedrock-Content-Type": "application/json",
				"X-Accel-Buffering":           "no",
			} {
				if got := res.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if len(res.Header.Get("X-Amzn-Requestid")) != 36 {
				t.Errorf("x-amzn-RequestId = %q", res.Header.Get("X-Amzn-Requestid"))
			}
			if res.Header.Get("Content-Encoding") != "" {
				t.Error("stream is compressed")
			}
			frames, err := readAllFrames(t, res.Body)
			if err != nil {
				t.Fatal(err)
			}
			var acc rockstream.Accumulator
			for _, ev := range chunkEvents(t, frames) {
				if err := acc.Add(ev); err != nil {
					t.Fatal(err)
				}
			}
			if acc.Text() != "Once upon a time." || acc.StopReason() != rockstream.StopEndTurn || acc.Usage().OutputTokens != 4 {
				t.Errorf("decoded %q stop %q usage %+v", acc.Text(), acc.StopReason(), acc.Usage())
			}
			if got := fake.LastRequest(); got.Model != haiku || got.MaxTokens != 8000 {
				t.Errorf("backend got model %q max_tokens %d", got.Model, got.MaxTokens)
			}
		})
	}
}

func TestInvokeStreamIsIncremental(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.HoldAfter = 2 // after the first text delta
	res := post(t, newServer(t, fake), "/model/"+haiku+streamOp, "", labBody)
	var texts int
	for texts == 0 {
		f, err := readFrame(t, res.Body)
		if err != nil {
			t.Fatalf("stream ended before the first text while the backend was still holding: %v", err)
		}
		if bytes.Contains(chunkJSON(t, f), []byte(`"text_delta"`)) {
			texts++
		}
	}
	close(fake.Release)
	frames, err := readAllFrames(t, res.Body)
	if err != nil || len(frames) == 0 {
		t.Fatalf("rest of stream: %d frames, %v", len(frames), err)
	}
}

func chunkJSON(t *testing.T, f decodedFrame) []byte {
	t.Helper()
	var p struct{ Bytes []byte }
	if err := json.Unmarshal(f.payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.Bytes
}

func TestInvokeStreamErrors(t *testing.T) {
	throttle := rockstream.BedrockError("ThrottlingException", "Too many requests, please wait before trying again.")
	modelErr := rockstream.BedrockError("ModelStreamErrorException", "The model stopped.")
	modelErr.OriginalStatusCode = 500
	tests := []struct {
		name        string
		failAt      int
		err         error
		status      int
		errorType   string // pre-stream x-amzn-ErrorType name
		exception   string // mid-stream :exception-type
		eventsFirst int
	}{
		{"throttled before the stream", 0, throttle, 429, "ThrottlingException", "", 0},
		{"validation before the stream", 0, rockstream.Validationf("bad"), 400, "ValidationException", "", 0},
		{"model error mid-stream", 4, modelErr, 200, "", "modelStreamErrorException", 4},
		{"throttled mid-stream", 3, throttle, 200, "", "throttlingException", 3},
		{"plain error mid-stream", 3, errors.New("boom"), 200, "", "internalServerException", 3},
		{"timeout mid-stream", 3, rockstream.BedrockError("ModelTimeoutException", ""), 200, "", "modelTimeoutException", 3},
		{"ends without stop", 6, nil, 200, "", "internalServerException", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakebackend.New(fakebackend.Story())
			fake.FailAt, fake.Err = tt.failAt, tt.err
			if tt.err == nil {
				fake.Events = fake.Events[:tt.failAt]
				fake.FailAt = -1
			}
			res := post(t, newServer(t, fake), "/model/"+haiku+streamOp, "", labBody)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.errorType != "" {
				if got := res.Header.Get("X-Amzn-Errortype"); !strings.HasPrefix(got, tt.errorType+":http://internal.amazon.com/coral/com.amazon.bedrock/") {
					t.Errorf("x-amzn-ErrorType = %q", got)
				}
				var body struct {
					Message string `json:"message"`
					Type    string `json:"__type"`
				}
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Message == "" || body.Type != tt.errorType {
					t.Errorf("error body: %+v %v", body, err)
				}
				return
			}
			frames, err := readAllFrames(t, res.Body)
			if err != nil {
				t.Fatal(err)
			}
			last := frames[len(frames)-1]
			if last.messageType != "exception" || last.exceptionType != tt.exception {
				t.Fatalf("last frame %s/%s, want exception %s", last.messageType, last.exceptionType, tt.exception)
			}
			if got := len(chunkEvents(t, frames)); got != tt.eventsFirst {
				t.Errorf("%d events before the exception, want %d", got, tt.eventsFirst)
			}
		})
	}
}

func TestInvokeStreamAbort(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.FailAt, fake.Err = 3, rockstream.ErrAbort
	res := post(t, newServer(t, fake), "/model/"+haiku+streamOp, "", labBody)
	frames, err := readAllFrames(t, res.Body)
	if err == nil {
		t.Fatalf("aborted stream read cleanly (%d frames)", len(frames))
	}
	if len(chunkEvents(t, frames)) != 3 {
		t.Errorf("%d events before the cut, want 3", len(chunkEvents(t, frames)))
	}
}

func TestInvoke(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	res := post(t, newServer(t, fake), "/model/"+haiku+"/invoke", "application/octet-stream", labBody)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for name, want := range map[string]string{
		"Content-Type":                      "application/json",
		"X-Amzn-Bedrock-Input-Token-Count":  "12",
		"X-Amzn-Bedrock-Output-Token-Count": "4",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if res.Header.Get("X-Amzn-Bedrock-Invocation-Latency") == "" {
		t.Error("no invocation latency header")
	}
	body, _ := io.ReadAll(res.Body)
	resp, err := anthropic.Codec{}.DecodeResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	if got := rockstream.TextOf(resp.Message.Content); got != "Once upon a time." {
		t.Errorf("text %q", got)
	}
}

func TestInvokeFailures(t *testing.T) {
	tests := []struct {
		name, path, body string
		backendErr       error
		status           int
		code, message    string
	}{
		{"unknown model", "/model/acme.nothing-v1/invoke", labBody, nil, 400, "ValidationException", "The provided model identifier is invalid."},
		{"missing max_tokens", "/model/" + haiku + "/invoke", `{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"hi"}]}`, nil, 400, "ValidationException", "max_tokens"},
		{"not JSON", "/model/" + haiku + "/invoke", `{`, nil, 400, "ValidationException", "Malformed input request"},
		{"backend throttles", "/model/" + haiku + "/invoke", labBody, rockstream.BedrockError("ThrottlingException", ""), 429, "ThrottlingException", "Too many requests"},
		{"body too large", "/model/" + haiku + "/invoke", `{"x":"` + strings.Repeat("a", 200) + `"}`, nil, 400, "ValidationException", "less than or equal to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakebackend.New(fakebackend.Story())
			if tt.backendErr != nil {
				fake.FailAt, fake.Err = 0, tt.backendErr
			}
			mux := http.NewServeMux()
			Register(mux, Options{Backend: fake, MaxBodyBytes: 100 + int64(len(labBody))})
			if strings.HasPrefix(tt.name, "body") {
				mux = http.NewServeMux()
				Register(mux, Options{Backend: fake, MaxBodyBytes: 100})
			}
			ts := httptest.NewServer(mux)
			defer ts.Close()
			res := post(t, ts, tt.path, "", tt.body)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			var body struct {
				Message string `json:"message"`
				Type    string `json:"__type"`
			}
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Type != tt.code || !strings.Contains(body.Message, tt.message) {
				t.Errorf("body %+v, want %s containing %q", body, tt.code, tt.message)
			}
		})
	}
}

func TestModelIDForms(t *testing.T) {
	tests := []struct{ name, segment, want string }{
		{"escaped colon", "anthropic.claude-3-haiku-20240307-v1%3A0", haiku},
		{"raw colon", haiku, haiku},
		{"escaped ARN", arnEscape, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"},
		{"raw-colon ARN", "arn:aws:bedrock:us-east-1:123456789012:inference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1:0", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"},
		{"profile", "us.anthropic.claude-3-5-haiku-20241022-v1%3A0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakebackend.New(fakebackend.Story())
			res := post(t, newServer(t, fake), "/model/"+tt.segment+"/invoke", "", labBody)
			if res.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d: %s", res.StatusCode, b)
			}
			if got := fake.LastRequest().Model; got != tt.want {
				t.Errorf("model %q, want %q", got, tt.want)
			}
		})
	}
}
