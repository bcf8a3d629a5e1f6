package bedrock

import "github.com/rockstream/rockstream"

func (c *Client) prepareConverse(req *rockstream.Request) (operation, error) {
	return nil, &rockstream.Error{Class: rockstream.ClassValidation, Message: "bedrock: ConverseStream is not available yet"}
}
