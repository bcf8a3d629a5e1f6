package router_test

import (
	"context"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/backendtest"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/router"
	"github.com/rockstream/rockstream/override"
)

const contractModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func contractAsk(model string) *rockstream.Request {
	return &rockstream.Request{Model: model, MaxTokens: 40,
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about two puppies")}}
}

func contractRequest() *rockstream.Request { return contractAsk(contractModel) }

// faultContext carries a builtin fault, in X-Rockstream-Fault's syntax.
func faultContext(tb testing.TB, fault string) context.Context {
	tb.Helper()
	f, err := builtin.ParseFault(fault)
	if err != nil {
		tb.Fatal(err)
	}
	return override.With(context.Background(), builtin.Overrides{Fault: &f})
}

// routed sends Anthropic models to a builtin model and has no default,
// so other models have no route.
func routed(tb testing.TB) rockstream.Backend {
	tb.Helper()
	r, err := router.New(&router.Config{Routes: []router.Route{{Model: "anthropic.*", Backend: "local"}}},
		map[string]rockstream.Backend{"local": builtin.New(builtin.Options{Pace: &builtin.Pace{}})})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestContract(t *testing.T) {
	backendtest.Run(t, backendtest.Harness{
		New:     routed,
		Request: contractRequest,
		FailBefore: func(testing.TB) backendtest.Failure {
			return backendtest.Failure{Request: contractAsk("meta.llama3-8b-instruct-v1:0")}
		},
		FailMidStream: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "ModelStreamErrorException,after=3")}
		},
		Stall: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "silence=1h,after=4")}
		},
		Invalid: func() *rockstream.Request {
			r := contractRequest()
			r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
			return r
		},
	})
}
