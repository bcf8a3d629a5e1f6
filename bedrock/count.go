package bedrock

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
)

var _ rockstream.TokenCounter = (*Client)(nil)

// CountTokens asks Bedrock's CountTokens how many input tokens req would
// be charged for, sending it as its model family's InvokeModel body. It
// is not retried: a count is cheap to ask again.
func (c *Client) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	if req == nil {
		return 0, rockstream.Validationf("bedrock: nil request")
	}
	codec, err := family.ForModel(req.Model)
	if err != nil {
		return 0, classify(ctx, err, false)
	}
	body, err := codec.EncodeRequest(req)
	if err != nil {
		return 0, classify(ctx, err, false)
	}
	out, err := c.runtime.CountTokens(ctx, &bedrockruntime.CountTokensInput{
		ModelId: aws.String(req.Model),
		Input:   &types.CountTokensInputMemberInvokeModel{Value: types.InvokeModelTokensRequest{Body: body}},
	}, func(o *bedrockruntime.Options) { o.HTTPClient = c.plainHTTP })
	if err != nil {
		e := classify(ctx, err, false)
		c.addHint(e, req.Model, 1)
		return 0, e
	}
	return int(aws.ToInt32(out.InputTokens)), nil
}
