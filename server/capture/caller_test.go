package capture_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
)

// call is what a caller sends to the front server: a raw HTTP POST, or
// an AWS SDK call when sdk is set.
type call struct {
	path   string
	header map[string]string
	body   string
	// sdk calls the official Bedrock Runtime client and returns the text
	// it decoded from the answer.
	sdk func(ctx context.Context, c *bedrockruntime.Client) (string, error)
}

// send makes c against e and gathers both ends' view.
func (c call) send(t *testing.T, e *env) *result {
	t.Helper()
	var r *result
	if c.sdk != nil {
		r = c.sendSDK(t, e)
	} else {
		r = c.sendHTTP(t, e)
	}
	if e.up != nil {
		r.up = e.up.exchanges()
	}
	r.model = e.model
	return r
}

// sendHTTP posts the body over HTTP/1.1 and reads the whole answer. The
// Bedrock Runtime takes any bearer token in its default auth mode.
func (c call) sendHTTP(t *testing.T, e *env) *result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.front+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(c.path, "/model/") {
		req.Header.Set("Authorization", "Bearer capture-api-key")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return &result{sent: []byte(c.body), sentHeader: req.Header, status: resp.StatusCode, header: resp.Header, got: got}
}

// sendSDK runs the SDK call through a client whose HTTP traffic is
// recorded both ways.
func (c call) sendSDK(t *testing.T, e *env) *result {
	t.Helper()
	wire := &sdkWire{inner: &http.Client{Transport: h2cTransport(t)}}
	client := bedrockruntime.New(bedrockruntime.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.front),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDCALLER", "caller-secret", ""),
		HTTPClient:       wire,
		RetryMaxAttempts: 1,
	})
	text, err := c.sdk(context.Background(), client)
	wire.mu.Lock()
	defer wire.mu.Unlock()
	return &result{sent: wire.sent, sentHeader: wire.sentHeader, status: wire.status, header: wire.header,
		got: bytes.Clone(wire.got.Bytes()), sdkText: text, sdkErr: err}
}

// sdkWire is the SDK's HTTP client, keeping the one request's body and
// headers and the bytes of its answer as the SDK read them.
type sdkWire struct {
	inner *http.Client

	mu         sync.Mutex
	sent       []byte
	sentHeader http.Header
	status     int
	header     http.Header
	got        bytes.Buffer
}

func (w *sdkWire) Do(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	w.mu.Lock()
	w.sent, w.sentHeader = body, r.Header.Clone()
	w.mu.Unlock()
	resp, err := w.inner.Do(r)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.status, w.header = resp.StatusCode, resp.Header.Clone()
	w.mu.Unlock()
	resp.Body = &teeBody{ReadCloser: resp.Body, w: w}
	return resp, nil
}

// teeBody copies what the SDK reads of an answer into its sdkWire.
type teeBody struct {
	io.ReadCloser
	w *sdkWire
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.w.mu.Lock()
	b.w.got.Write(p[:n])
	b.w.mu.Unlock()
	return n, err
}
