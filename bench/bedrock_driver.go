package bench

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/bedrock"
)

// Bedrock streams over the Bedrock Runtime wire with the bedrock client,
// InvokeModelWithResponseStream or ConverseStream, with dummy credentials:
// the target is a local runtime or a gateway, not AWS. Invoke streams use
// the client's direct transport, a tenth of the SDK path's CPU per frame,
// so the load generator takes less of the machine it measures.
func Bedrock(ctx context.Context, t Target, api bedrock.API) (Driver, error) {
	hc := bedrock.NewH2CClient()
	if t.Client != nil {
		hc = t.Client
	}
	if len(t.Header) > 0 {
		hc = &http.Client{Transport: headerTransport{inner: transportOf(hc), header: t.Header}}
	}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "bench", "")}
	c, err := bedrock.New(ctx, bedrock.Options{AWSConfig: &cfg, EndpointURL: t.URL, HTTPClient: hc, API: api, MaxAttempts: 1, Direct: true})
	if err != nil {
		return nil, err
	}
	req := t.Request()
	return DriverFunc(func(ctx context.Context, onToken func(string)) error {
		for ev, err := range c.Stream(ctx, req) {
			if err != nil {
				return err
			}
			if d, ok := ev.(rockstream.TextDelta); ok {
				onToken(d.Text)
			}
		}
		return nil
	}), nil
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// headerTransport adds fixed headers to every request.
type headerTransport struct {
	inner  http.RoundTripper
	header http.Header
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, vs := range h.header {
		r.Header[k] = vs
	}
	return h.inner.RoundTrip(r)
}
