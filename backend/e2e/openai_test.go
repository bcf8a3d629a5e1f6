package e2e_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/openaicompat"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
)

// chatServer starts rockstream's own OpenAI-compatible endpoint over
// model: the "local model server" of these tests.
func chatServer(t *testing.T, model rockstream.Backend) *server.Running {
	t.Helper()
	return start(t, server.Options{Backend: model, Mount: func(mux *http.ServeMux) {
		gateway.Register(mux, gateway.Options{Backend: model})
	}})
}

// bedrockOverOpenAI starts the Bedrock Runtime wire with the openai
// backend in front of the chat server at chatURL: rockstream serve
// --backend openaicompat. It returns the runtime's URL.
func bedrockOverOpenAI(t *testing.T, chatURL string, models map[string]string) string {
	t.Helper()
	return bedrockOverOpenAIWithFault(t, chatURL, models, "")
}

// bedrockOverOpenAIWithFault is bedrockOverOpenAI with a builtin fault
// header on every upstream request (the openai backend does not forward
// the client's X-Rockstream-* headers).
func bedrockOverOpenAIWithFault(t *testing.T, chatURL string, models map[string]string, fault string) string {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	var rt http.RoundTripper = tr
	if fault != "" {
		rt = faultHeader{tr, fault}
	}
	b, err := openaicompat.New(openaicompat.Options{BaseURL: chatURL + "/v1", Models: models, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	return start(t, server.Options{Backend: b}).URL
}

func TestBedrockWireOverOpenAIBackend(t *testing.T) {
	local := newProbe(fastBuiltin())
	// Haiku is served by the local server's llama; sonnet passes through
	// under its own name.
	url := bedrockOverOpenAI(t, chatServer(t, local).URL, map[string]string{haiku: llama})
	c := sdkClient(t, url, nil)

	mapped := expect(labRequest(llama, story, 60))
	if slices.Equal(mapped.pieces, expect(labRequest(haiku, story, 60)).pieces) {
		t.Fatal("the builtin answers haiku and llama alike; the mapping would go unseen")
	}
	mapped.check(t, "InvokeModelWithResponseStream haiku", invoke(context.Background(), c, haiku, labBody(story, 60)))
	mapped.check(t, "ConverseStream haiku", converse(context.Background(), c, haiku, story, 60))

	same := expect(labRequest(sonnet, story, 60))
	same.check(t, "InvokeModelWithResponseStream sonnet", invoke(context.Background(), c, sonnet, labBody(story, 60)))
	same.check(t, "ConverseStream sonnet", converse(context.Background(), c, sonnet, story, 60))

	if got, want := local.models(), []string{llama, llama, sonnet, sonnet}; !slices.Equal(got, want) {
		t.Errorf("the local server was asked for %q, want %q", got, want)
	}
}

func TestLeavingCancelsTheOpenAIUpstream(t *testing.T) {
	upstream := newProbe(slowBuiltin())
	url := bedrockOverOpenAI(t, chatServer(t, upstream).URL, nil)
	leaveMidStream(t, url, upstream, 200)
}

func TestOpenAIUpstreamFailuresReachTheBedrockClient(t *testing.T) {
	// after=4: message start, block start and two text deltas come first.
	want := builtin.Tokens(labRequest(sonnet, story, 60))[:2]
	cases := []struct {
		fault string
		check func(error) bool
	}{
		// OpenAI's wire has no "model error": it arrives as a server
		// error, with the model's message.
		{"ModelStreamErrorException,after=4", func(err error) bool {
			var e *types.InternalServerException
			return errors.As(err, &e) && strings.HasPrefix(e.ErrorMessage(), "The model stream encountered an error.")
		}},
		{"cut,after=4", func(err error) bool { return err != nil }},
	}
	chat := chatServer(t, fastBuiltin())
	for _, tc := range cases {
		t.Run(tc.fault, func(t *testing.T) {
			url := bedrockOverOpenAIWithFault(t, chat.URL, nil, tc.fault)
			a := invoke(context.Background(), sdkClient(t, url, nil), sonnet, labBody(story, 60))
			if !slices.Equal(a.pieces, want) {
				t.Errorf("text before the failure %q, want %q", a.pieces, want)
			}
			if a.stop != "" || !tc.check(a.err) {
				t.Errorf("stop %q, err = %v (%T)", a.stop, a.err, a.err)
			}
		})
	}
}
