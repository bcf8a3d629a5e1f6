package bedrock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/smithy-go/encoding/httpbinding"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream"
)

// MaxRelayedReply bounds an answer RelayApplyGuardrail reads, far above
// what the assessment of one request's texts takes.
const MaxRelayedReply = 4 << 20

var _ rockstream.GuardrailRelayer = (*Client)(nil)

// RelayApplyGuardrail calls Bedrock's ApplyGuardrail with body as the
// caller sent it, signed as the SDK signs it, and returns Bedrock's answer
// as it came, error answers included. Nothing is parsed either way, so
// every field Bedrock adds reaches the caller. It is not retried.
func (c *Client) RelayApplyGuardrail(ctx context.Context, identifier, version string, body []byte) (*rockstream.WireReply, error) {
	d, err := newDirect(ctx, c.runtime.Options(), c.plainHTTP)
	if err != nil {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, Message: err.Error(), Err: err}
	}
	d.http = c.plainHTTP // a JSON answer, not an event stream
	u := d.endpoint
	base := u.EscapedPath()
	u.Path = smithyhttp.JoinPath(u.Path, "/guardrail/"+identifier+"/version/"+version+"/apply")
	u.RawPath = smithyhttp.JoinPath(base, "/guardrail/"+httpbinding.EscapePath(identifier, true)+
		"/version/"+httpbinding.EscapePath(version, true)+"/apply")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, classify(ctx, err, false)
	}
	req.URL = &u // keeps RawPath exactly as built
	for k, v := range d.headers {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "rockstream-bedrock (direct)")
	sum := sha256.Sum256(body)
	if err := d.authorize(ctx, req, hex.EncodeToString(sum[:])); err != nil {
		return nil, classify(ctx, err, false)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, classify(ctx, &smithyhttp.RequestSendError{Err: err}, false)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, MaxRelayedReply+1))
	if err != nil {
		return nil, classify(ctx, err, false)
	}
	if len(got) > MaxRelayedReply {
		return nil, &rockstream.Error{Class: rockstream.ClassProtocol, StatusCode: http.StatusBadGateway,
			Message: fmt.Sprintf("Bedrock's ApplyGuardrail answer is larger than %d bytes.", MaxRelayedReply)}
	}
	h := http.Header{}
	for _, k := range []string{"Content-Type", "X-Amzn-Requestid", "X-Amzn-Errortype"} {
		if v := resp.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	return &rockstream.WireReply{StatusCode: resp.StatusCode, Header: h, Body: got}, nil
}
