package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/replay"
	"github.com/rockstream/rockstream/server"
)

// slowBuiltin takes seconds over a 200-token answer, so a reader that
// leaves after a few chunks leaves long before the end.
func slowBuiltin() *builtin.Backend {
	return builtin.New(builtin.Options{Pace: &builtin.Pace{TokensPerSecond: 50}})
}

// leaveMidStream reads three chunks of a long answer from the runtime at
// url, then closes the stream, and checks that the stream upstream ended
// early with its context cancelled.
func leaveMidStream(t *testing.T, url string, upstream *probe, maxTokens int) {
	t.Helper()
	out, err := sdkClient(t, url, nil).InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(sonnet), Body: labBody(story, maxTokens),
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	for range 3 {
		if _, ok := (<-stream.Events()).(*types.ResponseStreamMemberChunk); !ok {
			t.Fatalf("stream ended early: %v", stream.Err())
		}
	}
	stream.Close()
	end := upstream.waitEnd(t)
	if end.stopped || end.ctxErr == nil {
		t.Errorf("the upstream stream went on after the reader left: %d events, stopped %v, context %v",
			end.events, end.stopped, end.ctxErr)
	}
}

func TestLeavingCancelsTheBedrockUpstream(t *testing.T) {
	upstream := newProbe(slowBuiltin())
	url := bedrockGateway(t, &upstreamClient{}, upstream, amazonbedrock.Options{})
	leaveMidStream(t, url, upstream, 200)
}

func TestLeavingCancelsTheReplay(t *testing.T) {
	dir := t.TempDir()
	// Record a stream of about 0.6s without a server in between.
	rec := replay.NewRecorder(builtin.New(builtin.Options{Pace: &builtin.Pace{TokensPerSecond: 100}}), dir, nil)
	for _, err := range rec.Stream(context.Background(), labRequest(sonnet, story, 60)) {
		if err != nil {
			t.Fatal(err)
		}
	}
	player, err := replay.Open(dir, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	upstream := newProbe(player)
	url := start(t, server.Options{Backend: upstream}).URL
	leaveMidStream(t, url, upstream, 60)
}
