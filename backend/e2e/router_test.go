package e2e_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/router"
	"github.com/rockstream/rockstream/server"
)

func TestRouterSendsTwoModelsToTwoBackendsThroughOneServer(t *testing.T) {
	// Claude goes to Bedrock (the local runtime upstream), Llama to the
	// builtin model in process; nothing else is routed.
	upstream := newProbe(fastBuiltin())
	local := newProbe(fastBuiltin())
	cfg, err := router.ParseConfig([]byte(`{"routes": [
		{"model": "anthropic.*", "backend": "bedrock"},
		{"model": "meta.llama3-*", "backend": "local"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := router.New(cfg, map[string]rockstream.Backend{"bedrock": bedrockBackend(t, &upstreamClient{}, upstream, amazonbedrock.Options{}), "local": local})
	if err != nil {
		t.Fatal(err)
	}
	c := sdkClient(t, start(t, server.Options{Backend: r}).URL, nil)

	expect(labRequest(sonnet, story, 30)).check(t, "sonnet", invoke(context.Background(), c, sonnet, labBody(story, 30)))
	expect(labRequest(llama, story, 30)).check(t, "llama", converse(context.Background(), c, llama, story, 30))
	if got := upstream.models(); !slices.Equal(got, []string{sonnet}) {
		t.Errorf("Bedrock was asked for %q, want only sonnet", got)
	}
	if got := local.models(); !slices.Equal(got, []string{llama}) {
		t.Errorf("the local model was asked for %q, want only llama", got)
	}

	a := converse(context.Background(), c, "mistral.mistral-7b-instruct-v0:2", story, 30)
	var notFound *types.ResourceNotFoundException
	if !errors.As(a.err, &notFound) {
		t.Errorf("unrouted model: err = %v (%T), want ResourceNotFoundException", a.err, a.err)
	}
}
