package bedrock

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rockstream/rockstream"
)

// bodyClient answers every request with 200 and body, with no network, so
// the fuzz target and benchmarks exercise the SDK's real decode path alone.
type bodyClient []byte

func (b bodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {eventStreamType}, "X-Amzn-Requestid": {"req-mem"}},
		Body:       io.NopCloser(bytes.NewReader(b)),
		Request:    req,
	}, nil
}

// swappedBody answers with whatever body current holds at the time.
type swappedBody struct{ current *atomic.Pointer[[]byte] }

func (s swappedBody) Do(req *http.Request) (*http.Response, error) {
	return bodyClient(*s.current.Load()).Do(req)
}

func memoryClient(t testing.TB, httpClient aws.HTTPClient, api API) *Client {
	t.Helper()
	c, err := New(context.Background(), Options{
		EndpointURL: "https://bedrock-runtime.us-east-1.amazonaws.com",
		AWSConfig:   staticConfig(), HTTPClient: httpClient, MaxAttempts: 1, API: api,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// directMemoryClient is memoryClient with the direct transport.
func directMemoryClient(t testing.TB, httpClient aws.HTTPClient) *Client {
	t.Helper()
	c, err := New(context.Background(), Options{
		EndpointURL: "https://bedrock-runtime.us-east-1.amazonaws.com",
		AWSConfig:   staticConfig(), HTTPClient: httpClient, MaxAttempts: 1, Direct: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzChunkPath feeds arbitrary bytes as an InvokeModelWithResponseStream
// body through the SDK's reader, the cut detector and the Anthropic codec.
// Whatever the bytes, the stream must end, with every failure a
// *rockstream.Error and a clean end only after the model's final event.
func FuzzChunkPath(f *testing.F) {
	whole := bytes.Join(claudeFrames(f, "Hello", " world"), nil)
	f.Add(whole)
	f.Add(whole[:len(whole)-7])
	f.Add(whole[:40])
	f.Add(append(bytes.Join(claudeFrames(f, "a")[:3], nil), exceptionFrame(f, "throttlingException", `{"message":"slow"}`)...))
	f.Add(chunkFrame(f, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
	f.Add(chunkFrame(f, `not json`))
	f.Add([]byte("<html><body>proxy error</body></html>"))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0})
	f.Add([]byte{})
	// One client for every input: building one per input would make the
	// fuzzer spend its time in the SDK's constructor.
	var current atomic.Pointer[[]byte]
	c := memoryClient(f, swappedBody{&current}, Invoke)
	f.Fuzz(func(t *testing.T, body []byte) {
		current.Store(&body)
		var last rockstream.Event
		for ev, err := range c.Stream(context.Background(), textRequest("x")) {
			if err != nil {
				var e *rockstream.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v is not a *rockstream.Error", err, err)
				}
				return
			}
			if ev == nil {
				t.Fatal("nil event without an error")
			}
			last = ev
		}
		if _, ok := last.(rockstream.Metadata); !ok {
			t.Fatalf("clean end after %T, not the final Metadata", last)
		}
	})
}

// FuzzDirectChunkPath feeds arbitrary bytes as a response body to both
// transports. The direct one must end every stream like FuzzChunkPath's
// invariant asks, and agree with the SDK path: the same events, then the
// same class of failure (or both a clean end).
func FuzzDirectChunkPath(f *testing.F) {
	whole := bytes.Join(claudeFrames(f, "Hello", " world"), nil)
	f.Add(whole)
	f.Add(whole[:len(whole)-7])
	f.Add(whole[:40])
	f.Add(append(bytes.Join(claudeFrames(f, "a")[:3], nil), exceptionFrame(f, "throttlingException", `{"message":"slow"}`)...))
	f.Add(append(bytes.Join(claudeFrames(f, "a")[:3], nil), frame(f, nil, ":message-type", "error", ":error-code", "E")...))
	f.Add(chunkFrame(f, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
	f.Add(frame(f, []byte(`{"p":"x","bytes":"e30="}`), ":message-type", "event", ":event-type", "chunk"))
	f.Add(chunkFrame(f, `not json`))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0})
	f.Add([]byte{})
	var current atomic.Pointer[[]byte]
	sdk := memoryClient(f, swappedBody{&current}, Invoke)
	direct := directMemoryClient(f, swappedBody{&current})
	f.Fuzz(func(t *testing.T, body []byte) {
		current.Store(&body)
		want, wantErr := collect(sdk, textRequest("x"))
		got, err := collect(direct, textRequest("x"))
		if err != nil {
			var e *rockstream.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not a *rockstream.Error", err, err)
			}
		} else if _, ok := got[len(got)-1].(rockstream.Metadata); !ok {
			t.Fatalf("clean end after %T, not the final Metadata", got[len(got)-1])
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("events differ:\n direct %v\n sdk    %v", got, want)
		}
		// A frame that is both malformed and short may be reported either
		// way: the SDK parses headers as it reads (and takes an EOF inside
		// them for the end of the stream), the direct reader reads the
		// whole frame and checks it first.
		if !malformedOrShort(err, wantErr) && (class(err) != class(wantErr) ||
			errors.Is(err, rockstream.ErrIncomplete) != errors.Is(wantErr, rockstream.ErrIncomplete)) {
			t.Fatalf("errors differ:\n direct %v\n sdk    %v", err, wantErr)
		}
	})
}

// malformedOrShort reports whether one error is a protocol error and the
// other an incomplete stream.
func malformedOrShort(a, b error) bool {
	short := func(err error) bool { return errors.Is(err, rockstream.ErrIncomplete) }
	return class(a) == rockstream.ClassProtocol && short(b) || class(b) == rockstream.ClassProtocol && short(a)
}

func class(err error) rockstream.ErrorClass {
	var e *rockstream.Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ""
}
