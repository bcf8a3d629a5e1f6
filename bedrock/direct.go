package bedrock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/smithy-go/auth/bearer"
	"github.com/aws/smithy-go/encoding/httpbinding"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream/dialect"
)

// direct is what Options.Direct needs to call InvokeModelWithResponseStream
// without the SDK's operation stack: the endpoint, credentials and HTTP
// client the SDK client resolved, so both transports reach the same place
// as the same caller.
type direct struct {
	http     aws.HTTPClient // checks answers like the SDK path's, leaves bodies raw
	endpoint url.URL
	headers  http.Header // extra headers the endpoint rules ask for
	region   string
	// At most one of bearer and creds is set, chosen as the SDK chooses.
	bearer bearer.TokenProvider
	creds  aws.CredentialsProvider
	signer *v4.Signer
}

// newDirect resolves the endpoint and auth scheme from the runtime client's
// options, with the SDK's own endpoint resolver.
func newDirect(ctx context.Context, o bedrockruntime.Options, httpClient aws.HTTPClient) (*direct, error) {
	resolver := o.EndpointResolverV2
	if resolver == nil {
		resolver = bedrockruntime.NewDefaultEndpointResolverV2()
	}
	ep, err := resolver.ResolveEndpoint(ctx, bedrockruntime.EndpointParameters{
		Region:       aws.String(o.Region),
		Endpoint:     o.BaseEndpoint,
		UseFIPS:      aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack: aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
	})
	if err != nil {
		return nil, fmt.Errorf("bedrock: resolving the Bedrock Runtime endpoint: %w", err)
	}
	d := &direct{
		http:     &checkedClient{inner: httpClient, streams: true, rawBodies: true},
		endpoint: ep.URI,
		headers:  ep.Headers,
		region:   o.Region,
		signer:   v4.NewSigner(),
	}
	// The SDK tries SigV4 then bearer, reordered by AuthSchemePreference
	// (an API key in AWS_BEARER_TOKEN_BEDROCK puts bearer first), and takes
	// the first whose identity source is configured.
	for _, s := range authOrder(o.AuthSchemePreference) {
		if s == "sigv4" && o.Credentials != nil {
			d.creds = o.Credentials
			break
		}
		if s == "httpBearerAuth" && o.BearerAuthTokenProvider != nil {
			d.bearer = o.BearerAuthTokenProvider
			break
		}
	}
	return d, nil
}

// authOrder sorts the SDK's auth schemes for Bedrock Runtime (SigV4, then
// bearer) by preference, as the SDK's scheme resolver does.
func authOrder(preference []string) []string {
	known := []string{"sigv4", "httpBearerAuth"}
	order := make([]string, 0, len(known))
	for _, p := range preference {
		if slices.Contains(known, p) && !slices.Contains(order, p) {
			order = append(order, p)
		}
	}
	for _, k := range known {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	return order
}

// directOp is a request prepared for the direct transport: the URL, the
// body and its SigV4 payload hash, computed once for every attempt.
type directOp struct {
	c     *Client
	url   url.URL
	body  []byte
	hash  string
	codec dialect.Codec
	// headers carry the guardrail, trace, latency, tier and metadata,
	// as the SDK writes them from its input members.
	headers http.Header
	// tune, if set, adjusts each attempt's stream reader (a relay that
	// passes frames on, a ConverseStream decoder).
	tune func(*directStream)
}

func (c *Client) prepareDirect(model string, codec dialect.Codec, body []byte) *directOp {
	return c.prepareDirectOp(model, "invoke-with-response-stream", codec, body)
}

// prepareDirectOp prepares a call of the streaming operation named op
// ("invoke-with-response-stream", "converse-stream").
func (c *Client) prepareDirectOp(model, op string, codec dialect.Codec, body []byte) *directOp {
	u := c.direct.endpoint
	// Escaped as the SDK escapes labels: everything but unreserved
	// characters, so ':' is %3A and an ARN's '/' is %2F.
	base := u.EscapedPath()
	u.Path = smithyhttp.JoinPath(u.Path, "/model/"+model+"/"+op)
	u.RawPath = smithyhttp.JoinPath(base, "/model/"+httpbinding.EscapePath(model, true)+"/"+op)
	sum := sha256.Sum256(body)
	return &directOp{c: c, url: u, body: body, hash: hex.EncodeToString(sum[:]), codec: codec}
}

// newRequest builds and signs one attempt's request.
func (op *directOp) newRequest(ctx context.Context) (*http.Request, error) {
	d := op.c.direct
	u := op.url
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(op.body))
	if err != nil {
		return nil, err
	}
	req.URL = &u // keeps RawPath exactly as built
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(op.body)), nil }
	for k, v := range d.headers {
		req.Header[k] = v
	}
	for k, v := range op.headers {
		req.Header[k] = v
	}
	// The headers the SDK sends for this operation (it sends no Accept).
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amzn-Bedrock-Accept", "application/json")
	req.Header.Set("User-Agent", "rockstream-bedrock (direct)")
	return req, d.authorize(ctx, req, op.hash)
}

// authorize adds the Bedrock API key or the SigV4 signature.
func (d *direct) authorize(ctx context.Context, req *http.Request, payloadHash string) error {
	switch {
	case d.bearer != nil:
		if err := bearerAllowed(req.URL); err != nil {
			return err
		}
		tok, err := d.bearer.RetrieveBearerToken(ctx)
		if err != nil {
			return fmt.Errorf("bedrock: get bearer token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		return nil
	case d.creds == nil:
		return fmt.Errorf("bedrock: could not select an auth scheme: no credentials and no Bedrock API key")
	case aws.IsCredentialsProvider(d.creds, (*aws.AnonymousCredentials)(nil)):
		return nil
	}
	creds, err := d.creds.Retrieve(ctx)
	if err != nil {
		return &v4.SigningError{Err: fmt.Errorf("failed to retrieve credentials: %w", err)}
	}
	if err := d.signer.SignHTTP(ctx, creds, req, payloadHash, "bedrock", d.region, time.Now().UTC()); err != nil {
		return &v4.SigningError{Err: err}
	}
	return nil
}

func (op *directOp) open(ctx context.Context) (upstream, string, error) {
	req, err := op.newRequest(ctx)
	if err != nil {
		return nil, "", err
	}
	resp, err := op.c.direct.http.Do(req)
	if err != nil {
		return nil, "", &smithyhttp.RequestSendError{Err: err}
	}
	id := requestIDHeader(resp.Header)
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, id, responseError(ctx, resp, id)
	}
	s := newDirectStream(resp.Body, op.codec, op.c.opts.OnChunk)
	if op.tune != nil {
		op.tune(s)
	}
	return s, id, nil
}
