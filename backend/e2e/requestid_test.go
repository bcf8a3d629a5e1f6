package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"

	"github.com/rockstream/rockstream/backend/amazonbedrock"
)

// The gateway hands the client Bedrock's own request ID, so a support case
// can name the request AWS saw.
func TestBedrockGatewayPassesBedrocksRequestID(t *testing.T) {
	up := &upstreamClient{}
	url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{})
	out, err := sdkClient(t, url, nil).InvokeModelWithResponseStream(context.Background(),
		&bedrockruntime.InvokeModelWithResponseStreamInput{ModelId: aws.String(sonnet), Body: labBody(story, 60)})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	for range stream.Events() {
	}
	stream.Close()
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	got, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	_, ids := up.seen()
	if len(ids) != 1 || got != ids[0] {
		t.Errorf("client saw request ID %q; the upstream's was %q", got, ids)
	}
}
