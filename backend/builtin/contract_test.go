package builtin_test

import (
	"context"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/backendtest"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/override"
)

const contractModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func contractRequest() *rockstream.Request {
	return &rockstream.Request{Model: contractModel, MaxTokens: 40,
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about two puppies")}}
}

// faultContext carries a builtin fault, in X-Rockstream-Fault's syntax.
func faultContext(tb testing.TB, fault string) context.Context {
	tb.Helper()
	f, err := builtin.ParseFault(fault)
	if err != nil {
		tb.Fatal(err)
	}
	return override.With(context.Background(), builtin.Overrides{Fault: &f})
}

func TestContract(t *testing.T) {
	backendtest.Run(t, backendtest.Harness{
		New: func(testing.TB) rockstream.Backend {
			return builtin.New(builtin.Options{Pace: &builtin.Pace{}})
		},
		Request: contractRequest,
		FailBefore: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "ThrottlingException")}
		},
		FailMidStream: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "ModelStreamErrorException,after=3")}
		},
		Stall: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "silence=1h,after=4")}
		},
		// A guardrail no rule file defines is a validation error.
		Invalid: func() *rockstream.Request {
			r := contractRequest()
			r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
			return r
		},
	})
}
