package amazonbedrock

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// faultTransport adds a fault header to the first n requests and counts
// every request that reaches the upstream.
type faultTransport struct {
	inner  http.RoundTripper
	fault  string
	n      int64
	hits   atomic.Int64
	body   atomic.Value // the last request body, when record is set
	record bool
}

// CloseIdleConnections lets a test's cleanup close the inner transport's
// connections before the server's, so the server need not wait them out.
func (f *faultTransport) CloseIdleConnections() {
	if c, ok := f.inner.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (f *faultTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.record && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
		f.body.Store(string(b))
	}
	if f.hits.Add(1) <= f.n {
		r = r.Clone(r.Context())
		r.Header.Set(builtin.HeaderFault, f.fault)
	}
	return f.inner.RoundTrip(r)
}

// upstream starts the local runtime with a builtin model that streams as
// fast as it is read, and returns a backend in front of it.
func upstream(t *testing.T, ft *faultTransport, opts Options) *Backend {
	t.Helper()
	run, err := server.Start(context.Background(), server.Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	h2c := bedrock.NewH2CClient()
	if ft != nil {
		ft.inner = h2c.Transport
		h2c = &http.Client{Transport: ft}
	}
	t.Cleanup(h2c.CloseIdleConnections)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", "")}
	opts.Client.AWSConfig, opts.Client.EndpointURL, opts.Client.HTTPClient = &cfg, run.URL, h2c
	b, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ask(model string) *rockstream.Request {
	return &rockstream.Request{Model: model, MaxTokens: 60, Messages: []rockstream.Message{rockstream.UserText("Tell me a story about two puppies")}}
}

type result struct {
	acc    rockstream.Accumulator
	events int
	err    error
}

func collect(b rockstream.Backend, req *rockstream.Request) result {
	var r result
	for ev, err := range b.Stream(context.Background(), req) {
		if err != nil {
			r.err = err
			break
		}
		r.events++
		r.acc.Add(ev)
	}
	return r
}

const sonnet = "anthropic.claude-3-sonnet-20240229-v1:0"

// transports are both ways to stream InvokeModelWithResponseStream.
var transports = []struct {
	name string
	opts Options
}{{"direct", Options{}}, {"sdk", Options{SDKTransport: true}}}

func TestStreamsThroughBothOperations(t *testing.T) {
	want := builtin.Tokens(ask(sonnet))
	cases := []struct {
		name string
		opts Options
	}{
		{"invoke/direct", Options{Client: bedrock.Options{API: bedrock.Invoke}}},
		{"invoke/sdk", Options{Client: bedrock.Options{API: bedrock.Invoke}, SDKTransport: true}},
		{"converse", Options{Client: bedrock.Options{API: bedrock.Converse}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := upstream(t, nil, tc.opts)
			r := collect(b, ask(sonnet))
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got := r.acc.Text(); got != join(want) {
				t.Errorf("text = %q, want %q", got, join(want))
			}
			if r.acc.Started().RequestID == "" {
				t.Error("no request ID passed through")
			}
		})
	}
}

func join(s []string) string {
	var out string
	for _, p := range s {
		out += p
	}
	return out
}

func TestThrottlingBeforeFirstEventIsRetried(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ft := &faultTransport{fault: "ThrottlingException", n: 2}
			b := upstream(t, ft, tr.opts)
			r := collect(b, ask(sonnet))
			if r.err != nil {
				t.Fatal(r.err)
			}
			if hits := ft.hits.Load(); hits != 3 {
				t.Errorf("upstream hits = %d, want 3 (two throttled, one answered)", hits)
			}
		})
	}
}

func TestErrorsAfterFirstEventAreNotRetried(t *testing.T) {
	for _, tr := range transports {
		for _, fault := range []string{"ThrottlingException,after=4", "ModelStreamErrorException,after=4"} {
			t.Run(tr.name+"/"+fault, func(t *testing.T) {
				ft := &faultTransport{fault: fault, n: 100}
				b := upstream(t, ft, tr.opts)
				r := collect(b, ask(sonnet))
				e := rockstream.AsError(r.err)
				if r.events != 4 || !e.InStream || e.Class == rockstream.ClassUnknown {
					t.Fatalf("events %d, err %+v", r.events, e)
				}
				if hits := ft.hits.Load(); hits != 1 {
					t.Errorf("upstream hits = %d, want 1", hits)
				}
			})
		}
	}
}

// TestTransportChoice checks which reader holds an open stream: the
// default has no SDK event-stream reader goroutine, SDKTransport does.
func TestTransportChoice(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			b := upstream(t, nil, tr.opts)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stacks string
			for _, err := range b.Stream(ctx, ask(sonnet)) {
				if err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 1<<20)
				stacks = string(buf[:goruntime.Stack(buf, true)])
				break
			}
			sdk := strings.Contains(stacks, "(*EventStreamReader).readEventStream")
			if want := tr.name == "sdk"; sdk != want {
				t.Errorf("SDK event-stream reader running = %v, want %v", sdk, want)
			}
		})
	}
}

func TestProfileOnlyModelResolvesToInferenceProfile(t *testing.T) {
	const model = "anthropic.claude-3-5-sonnet-20241022-v2:0"
	b := upstream(t, nil, Options{})
	r := collect(b, ask(model))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := r.acc.Started().Resolved; got != "us."+model {
		t.Errorf("Resolved = %q, want us.%s", got, model)
	}

	off := upstream(t, nil, Options{NoProfileFallback: true})
	r = collect(off, ask(model))
	if e := rockstream.AsError(r.err); e.Class != rockstream.ClassValidation {
		t.Fatalf("without fallback: %v", r.err)
	}
}

func TestAPIRoutesChooseTheOperation(t *testing.T) {
	routes, err := ParseAPIRoutes([]byte(`{"anthropic.*":"converse","anthropic.claude-3-sonnet-*":"invoke"}`))
	if err != nil {
		t.Fatal(err)
	}
	b := upstream(t, nil, Options{APIs: routes})
	if c := b.clientFor(sonnet); c != b.invoke {
		t.Error("the longer pattern did not win")
	}
	if c := b.clientFor("anthropic.claude-3-haiku-20240307-v1:0"); c != b.converse {
		t.Error("anthropic.* did not route to converse")
	}
	if _, err := ParseAPIRoutes([]byte(`{"x":"stream"}`)); err == nil {
		t.Error("unknown API accepted")
	}
}

func TestLeavingCancelsUpstream(t *testing.T) {
	b := upstream(t, nil, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	for _, err := range b.Stream(ctx, ask(sonnet)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	// goleak in TestMain checks that the stream's goroutines ended; the
	// runtime's handler saw its request context end when the client left.
	if errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal("the caller's context should be untouched")
	}
}

// TestCountTokensThroughBedrock counts through the bedrock backend with a
// local runtime as its Bedrock, in the form of either API: the count is
// the upstream model's, for the request as the backend sends it.
func TestCountTokensThroughBedrock(t *testing.T) {
	req := ask(sonnet)
	req.System = []string{"Answer in one line."}
	want := builtin.InputTokens(req)
	var b *Backend
	for api, form := range map[bedrock.API]string{bedrock.Invoke: `"invokeModel"`, bedrock.Converse: `"converse"`} {
		ft := &faultTransport{record: true}
		b = upstream(t, ft, Options{Client: bedrock.Options{API: api}})
		n, err := b.CountTokens(context.Background(), req)
		if err != nil {
			t.Fatalf("%v: %v", api, err)
		}
		if n != want || n == 0 {
			t.Errorf("%v: counted %d input tokens, the runtime's model charges %d", api, n, want)
		}
		if sent, _ := ft.body.Load().(string); !strings.Contains(sent, form) {
			t.Errorf("%v: sent %s, want the %s form", api, sent, form)
		}
	}
	_, err := b.CountTokens(context.Background(), ask("nosuchprovider.claude-nothing-v9"))
	if e := rockstream.AsError(err); e.Class != rockstream.ClassValidation || e.StatusCode != 400 {
		t.Errorf("unknown model: %v (%+v)", err, e)
	}
}
