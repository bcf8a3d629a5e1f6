package amazonbedrock_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/backendtest"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

const contractModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func contractRequest() *rockstream.Request {
	return &rockstream.Request{Model: contractModel, MaxTokens: 40,
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about two puppies")}}
}

// faultKey carries, in a stream's context, a builtin fault for the
// local runtime's model.
type faultKey struct{}

func withFault(fault string) context.Context {
	return context.WithValue(context.Background(), faultKey{}, fault)
}

// faultHeader sends the fault in a request's context as the builtin's
// fault header (X-Rockstream-Fault), so the local model fails as told.
type faultHeader struct{ inner http.RoundTripper }

// CloseIdleConnections closes the inner transport's idle connections.
func (f faultHeader) CloseIdleConnections() {
	if c, ok := f.inner.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (f faultHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	if fault, ok := r.Context().Value(faultKey{}).(string); ok {
		r = r.Clone(r.Context())
		r.Header.Set(builtin.HeaderFault, fault)
	}
	return f.inner.RoundTrip(r)
}

// localBedrock starts the local Bedrock Runtime over a builtin model that
// answers as fast as it is read, and returns the backend in front of it,
// sending through hc.
func localBedrock(tb testing.TB, opts amazonbedrock.Options, hc *http.Client) rockstream.Backend {
	tb.Helper()
	run, err := server.Start(context.Background(), server.Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})}, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { run.Close() })
	tb.Cleanup(hc.CloseIdleConnections) // before the runtime closes
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", "")}
	opts.Client.AWSConfig, opts.Client.EndpointURL, opts.Client.HTTPClient = &cfg, run.URL, hc
	b, err := amazonbedrock.New(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestContract(t *testing.T) {
	for _, tr := range []struct {
		name string
		opts amazonbedrock.Options
	}{
		{"invoke-direct", amazonbedrock.Options{}},
		{"invoke-sdk", amazonbedrock.Options{SDKTransport: true}},
		{"converse", amazonbedrock.Options{Client: bedrock.Options{API: bedrock.Converse}}},
	} {
		t.Run(tr.name, func(t *testing.T) {
			// Cleartext HTTP/2, shared by every backend of the run so the
			// kit can close its idle connections.
			hc := &http.Client{Transport: faultHeader{bedrock.NewH2CClient().Transport}}
			backendtest.Run(t, backendtest.Harness{
				New:       func(tb testing.TB) rockstream.Backend { return localBedrock(tb, tr.opts, hc) },
				CloseIdle: hc.CloseIdleConnections,
				Request:   contractRequest,
				FailBefore: func(testing.TB) backendtest.Failure {
					// Not retryable, so the client gives up at once.
					return backendtest.Failure{Context: withFault("AccessDeniedException")}
				},
				FailMidStream: func(testing.TB) backendtest.Failure {
					return backendtest.Failure{Context: withFault("ModelStreamErrorException,after=3")}
				},
				Stall: func(testing.TB) backendtest.Failure {
					return backendtest.Failure{Context: withFault("silence=1h,after=4")}
				},
				// The builtin model behind the runtime applies no guardrail,
				// so it refuses one.
				Invalid: func() *rockstream.Request {
					r := contractRequest()
					r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
					return r
				},
			})
		})
	}
}
