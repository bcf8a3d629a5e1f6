package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream/bedrock"
)

// envEndpointRuntime is the SDK's own endpoint override for Bedrock Runtime;
// rockstream honours it like --endpoint-url when deciding where to go.
const envEndpointRuntime = "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"

// paceHeader carries --pace to the local runtime's builtin model.
const paceHeader = "X-Rockstream-Pace"

// connection is a Bedrock client and what must be released after it (the
// in-process local runtime, when one was started).
type connection struct {
	client *bedrock.Client
	close  func()
}

// connect builds the Bedrock client the flags ask for. Without AWS
// credentials and without an endpoint URL (or with --local) it starts the
// local runtime in-process and points the client at it with dummy
// credentials, saying so on stderr; the stream then takes exactly the path
// it would take to Amazon Bedrock.
func (c *cli) connect(ctx context.Context, cf connectFlags, api string, onChunk func([]byte)) (*connection, error) {
	setup := inspectAWS(ctx, c.getenv, cf.profile)
	endpoint := cf.endpointURL
	if endpoint == "" {
		endpoint = c.getenv(envEndpointRuntime)
	}
	opts := bedrock.Options{
		Region:  resolveRegion(cf.region, c.getenv, setup),
		Profile: cf.profile,
		API:     bedrock.Invoke,
		OnChunk: onChunk,
	}
	if api == "converse" {
		opts.API = bedrock.Converse
	}
	conn := &connection{close: func() {}}
	switch {
	case cf.local || (endpoint == "" && setup.Credentials == ""):
		rt, err := startLocalRuntime(ctx, c.getenv)
		if err != nil {
			return nil, fmt.Errorf("starting the local runtime: %w", err)
		}
		conn.close = rt.close
		if cf.local {
			fmt.Fprintf(c.stderr, "rockstream: answering from the local runtime at %s (builtin model).\n", rt.url)
		} else {
			fmt.Fprintf(c.stderr, "rockstream: no AWS credentials found; answering from the local runtime at %s (builtin model). "+
				"Configure credentials or pass --endpoint-url to use Amazon Bedrock.\n", rt.url)
		}
		endpoint = rt.url
		opts.Region = defaultRegion
		opts.AWSConfig = dummyConfig(defaultRegion)
	case setup.Credentials == "":
		// An endpoint that is not Bedrock (a rockstream serve) needs
		// signed requests but no real credentials.
		opts.AWSConfig = dummyConfig(opts.Region)
	}
	opts.EndpointURL = endpoint
	if cf.pace != "" && endpoint != "" {
		opts.HTTPClient = withHeader(endpoint, paceHeader, cf.pace)
	}
	client, err := bedrock.New(ctx, opts)
	if err != nil {
		conn.close()
		return nil, err
	}
	conn.client = client
	return conn, nil
}

// dummyConfig signs requests with static placeholder credentials, for
// endpoints that accept any signature.
func dummyConfig(region string) *aws.Config {
	return &aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("ROCKSTREAMLOCAL", "rockstream-local-secret", ""),
	}
}

// headerClient adds fixed headers to every request, after signing.
type headerClient struct {
	inner  aws.HTTPClient
	header http.Header
}

func (h headerClient) Do(req *http.Request) (*http.Response, error) {
	for k, v := range h.header {
		req.Header[k] = v
	}
	return h.inner.Do(req)
}

// withHeader is the HTTP client for endpoint with one extra header. It
// keeps the transport the bedrock package would pick: cleartext HTTP/2 for
// http:// endpoints, the SDK's client otherwise.
func withHeader(endpoint, name, value string) aws.HTTPClient {
	var inner aws.HTTPClient = awshttp.NewBuildableClient()
	if strings.HasPrefix(strings.ToLower(endpoint), "http://") {
		inner = bedrock.NewH2CClient()
	}
	h := http.Header{}
	h.Set(name, value)
	return headerClient{inner: inner, header: h}
}
