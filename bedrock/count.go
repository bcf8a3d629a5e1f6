package bedrock

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/converse"
)

var _ rockstream.TokenCounter = (*Client)(nil)

// CountTokens asks Bedrock's CountTokens how many input tokens req would
// be charged for, sent in the form the client streams with: its model
// family's InvokeModel body, or with Options.API Converse, a Converse
// conversation. It is not retried: a count is cheap to ask again.
func (c *Client) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	if req == nil {
		return 0, rockstream.Validationf("bedrock: nil request")
	}
	input, err := c.countInput(req)
	if err != nil {
		return 0, classify(ctx, err, false)
	}
	out, err := c.runtime.CountTokens(ctx, &bedrockruntime.CountTokensInput{ModelId: aws.String(req.Model), Input: input},
		func(o *bedrockruntime.Options) { o.HTTPClient = c.plainHTTP })
	if err != nil {
		e := classify(ctx, err, false)
		c.addHint(e, req.Model, 1)
		return 0, e
	}
	return int(aws.ToInt32(out.InputTokens)), nil
}

func (c *Client) countInput(req *rockstream.Request) (types.CountTokensInput, error) {
	if c.opts.API == Converse {
		in, err := converse.ToStreamInput(req)
		if err != nil {
			return nil, validation(err)
		}
		return &types.CountTokensInputMemberConverse{Value: types.ConverseTokensRequest{
			Messages: in.Messages, System: in.System, ToolConfig: in.ToolConfig,
			AdditionalModelRequestFields: in.AdditionalModelRequestFields,
		}}, nil
	}
	_, body, _, err := invokeBody(req)
	if err != nil {
		return nil, err
	}
	return &types.CountTokensInputMemberInvokeModel{Value: types.InvokeModelTokensRequest{Body: body}}, nil
}
