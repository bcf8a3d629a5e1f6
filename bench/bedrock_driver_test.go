package bench

import (
	"context"
	"net/http"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

// TestBedrockDriversAgainstLocalRuntime drives the local runtime over both
// streaming operations and checks every stream carried the builtin
// model's answer exactly.
func TestBedrockDriversAgainstLocalRuntime(t *testing.T) {
	run, err := server.Start(context.Background(), server.Options{Backend: builtin.New(builtin.Options{})}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	target := Target{URL: run.URL, Model: "anthropic.claude-3-sonnet-20240229-v1:0", Prompt: "Tell me a story about two puppies",
		MaxTokens: 40, Header: http.Header{builtin.HeaderPace: {"ttft=0s,tps=0"}}}
	want := builtin.Tokens(target.Request())
	if len(want) == 0 {
		t.Fatal("the builtin model has no answer for the target")
	}
	for _, api := range []bedrock.API{bedrock.Invoke, bedrock.Converse} {
		t.Run(api.String(), func(t *testing.T) {
			d, err := Bedrock(context.Background(), target, api)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Run(context.Background(), d, Options{Concurrency: 4, Requests: 20, Expected: want})
			if err != nil {
				t.Fatal(err)
			}
			if r.Completed != 20 || r.Fidelity.Exact != 20 {
				t.Fatalf("completed %d, fidelity %+v, errors %v", r.Completed, r.Fidelity, r.Errors)
			}
		})
	}
}
