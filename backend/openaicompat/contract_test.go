package openaicompat_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/backendtest"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/openaicompat"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
)

const contractModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func contractRequest() *rockstream.Request {
	return &rockstream.Request{Model: contractModel, MaxTokens: 40,
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about two puppies")}}
}

// faultKey carries, in a stream's context, a builtin fault for the
// gateway's model.
type faultKey struct{}

func withFault(fault string) context.Context {
	return context.WithValue(context.Background(), faultKey{}, fault)
}

// faultHeader sends the fault in a request's context as the builtin's
// fault header (X-Rockstream-Fault), so the gateway's model fails as told.
type faultHeader struct{ inner *http.Transport }

func (f faultHeader) CloseIdleConnections() { f.inner.CloseIdleConnections() }

func (f faultHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	if fault, ok := r.Context().Value(faultKey{}).(string); ok {
		r = r.Clone(r.Context())
		r.Header.Set(builtin.HeaderFault, fault)
	}
	return f.inner.RoundTrip(r)
}

// localGateway starts rockstream's OpenAI-compatible gateway over a
// builtin model that answers as fast as it is read, and returns the
// backend in front of its /v1, sending through hc.
func localGateway(tb testing.TB, hc *http.Client) rockstream.Backend {
	tb.Helper()
	model := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	run, err := server.Start(context.Background(), server.Options{Backend: model, Mount: func(mux *http.ServeMux) {
		gateway.Register(mux, gateway.Options{Backend: model})
	}}, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { run.Close() })
	tb.Cleanup(hc.CloseIdleConnections) // before the gateway closes
	b, err := openaicompat.New(openaicompat.Options{BaseURL: run.URL + "/v1", HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestContract(t *testing.T) {
	// One transport for every backend of the run, so the kit can close
	// its idle connections.
	hc := &http.Client{Transport: faultHeader{&http.Transport{}}}
	backendtest.Run(t, backendtest.Harness{
		New:       func(tb testing.TB) rockstream.Backend { return localGateway(tb, hc) },
		CloseIdle: hc.CloseIdleConnections,
		Request:   contractRequest,
		FailBefore: func(testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: withFault("ThrottlingException")}
		},
		FailMidStream: func(testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: withFault("ModelStreamErrorException,after=3")}
		},
		Stall: func(testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: withFault("silence=1h,after=4")}
		},
		// Chat completions cannot carry a guardrail, so the backend
		// refuses one by name.
		Invalid: func() *rockstream.Request {
			r := contractRequest()
			r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
			return r
		},
	})
}
