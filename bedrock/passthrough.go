package bedrock

import (
	"encoding/json"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/converse"
	"github.com/rockstream/rockstream/dialect/family"
	"github.com/rockstream/rockstream/internal/jsonedit"
)

// preparePass prepares a request that arrived in a wire Bedrock speaks
// (rockstream.Wire) to go upstream as the caller sent it: the caller's
// operation, body and X-Amzn-Bedrock-* headers, with only the model ID in
// the path chosen here. Each answer frame is handed to the wire's Relay as
// it came, then decoded to observe it. ok is false when the request must
// be converted instead (another wire, or the SDK transport).
func (c *Client) preparePass(req *rockstream.Request) (op operation, ok bool, err error) {
	w := req.Wire
	if c.direct == nil || w == nil || w.Relay == nil {
		return nil, false, nil
	}
	switch w.API {
	case rockstream.WireInvokeStream:
		codec, err := family.ForRequest(req.Model, w.Body)
		if err != nil {
			return nil, false, err
		}
		d := c.prepareDirectOp(req.Model, "invoke-with-response-stream", codec, w.Body)
		d.headers = w.Header
		d.tune = func(s *directStream) { s.relayTo(w.Relay, false) }
		return d, true, nil
	case rockstream.WireConverseStream:
		d := c.prepareDirectOp(req.Model, "converse-stream", nil, w.Body)
		d.headers = w.Header
		d.tune = func(s *directStream) { s.conv = converse.NewStreamDecoder(); s.relayTo(w.Relay, false) }
		return d, true, nil
	case rockstream.WireAnthropicMessages:
		codec, err := family.ForModel(req.Model)
		if err != nil || codec.Name() != "anthropic" {
			return nil, false, nil // another family: converted from the neutral request
		}
		body, err := anthropicOnBedrock(w.Body, req.AnthropicBeta)
		if err != nil {
			return nil, false, err
		}
		d := c.prepareDirectOp(req.Model, "invoke-with-response-stream", codec, body)
		d.tune = func(s *directStream) { s.relayTo(w.Relay, true) }
		return d, true, nil
	}
	return nil, false, nil
}

// anthropicOnBedrock turns a Messages API body into the Anthropic
// family's InvokeModel body: the model moves to the path, streaming is the
// operation's, the version is Bedrock's unless the caller named one, and
// beta flags from the anthropic-beta header join the body's. Everything
// else passes byte for byte.
func anthropicOnBedrock(body []byte, beta []string) ([]byte, error) {
	set := map[string]json.RawMessage{}
	var keys []string
	if jsonedit.Get(body, "anthropic_version") == nil {
		set["anthropic_version"] = json.RawMessage(`"` + anthropic.BedrockVersion + `"`)
		keys = append(keys, "anthropic_version")
	}
	if len(beta) > 0 {
		b, err := json.Marshal(beta)
		if err != nil {
			return nil, err
		}
		set["anthropic_beta"] = b
		keys = append(keys, "anthropic_beta")
	}
	out, err := jsonedit.Edit(body, set, keys, "model", "stream")
	if err != nil {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, Code: "ValidationException",
			StatusCode: http.StatusBadRequest, Message: "The request body is not a JSON object.", Err: err}
	}
	return out, nil
}
