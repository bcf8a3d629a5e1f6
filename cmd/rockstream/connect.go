package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"

	"github.com/rockstream/rockstream"
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
	// where names the endpoint for messages: a URL, or Amazon Bedrock.
	where string
	// firstByte is --timeout.
	firstByte time.Duration
}

// stream is client.Stream bounded by --timeout.
func (conn *connection) stream(ctx context.Context, c *cli, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return c.boundFirstByte(ctx, conn.firstByte, conn.where, func(ctx context.Context) iter.Seq2[rockstream.Event, error] {
		return conn.client.Stream(ctx, req)
	})
}

// connect builds the Bedrock client the flags ask for. Without AWS
// credentials and without an endpoint URL (or with --local) it starts the
// local runtime in-process and points the client at it with dummy
// credentials, saying so on stderr; the stream then takes exactly the path
// it would take to Amazon Bedrock.
func (c *cli) connect(ctx context.Context, cf connectFlags, api string, onChunk func([]byte)) (*connection, error) {
	if !cf.local && c.getenv("AWS_ACCESS_KEY_ID") != "" && c.getenv("AWS_SECRET_ACCESS_KEY") == "" {
		return nil, errors.New("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is missing: set it too " +
			"(with AWS_SESSION_TOKEN for temporary keys), or unset AWS_ACCESS_KEY_ID to use a profile or the local runtime")
	}
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
	conn := &connection{close: func() {}, where: endpoint, firstByte: cf.timeout}
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
	default:
		cfg, err := loadAWSConfig(ctx, opts.Region, cf.profile)
		if err != nil {
			return nil, err
		}
		opts.AWSConfig = cfg
	}
	opts.EndpointURL = endpoint
	if endpoint == "" {
		conn.where = "Amazon Bedrock (" + opts.Region + ")"
	} else {
		conn.where = endpoint
	}
	httpClient, closeIdle := newHTTPClient(endpoint, cf.connectTimeout)
	opts.HTTPClient = httpClient
	if cf.pace != "" && endpoint != "" {
		opts.HTTPClient = withHeader(opts.HTTPClient, endpoint, paceHeader, cf.pace)
	}
	// The client's connections are closed before the local runtime shuts
	// down: a graceful shutdown otherwise waits a second for the client to
	// hang up after its GOAWAY.
	stop := conn.close
	conn.close = func() {
		closeIdle()
		stop()
	}
	client, err := bedrock.New(ctx, opts)
	if err != nil {
		conn.close()
		return nil, err
	}
	conn.client = client
	return conn, nil
}

// loadAWSConfig loads the SDK's configuration for real AWS credentials,
// with the SDK's own logging off: its warnings (an instance-metadata
// fallback, say) are not rockstream's messages.
func loadAWSConfig(ctx context.Context, region, profile string) (*aws.Config, error) {
	load := []func(*config.LoadOptions) error{config.WithRegion(region), config.WithLogger(logging.Nop{})}
	if profile != "" {
		load = append(load, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, &rockstream.Error{
			Class:   rockstream.ClassAuth,
			Message: "loading the AWS configuration failed: " + err.Error() + "; check AWS_PROFILE and ~/.aws/config",
			Err:     err,
		}
	}
	return &cfg, nil
}

// newHTTPClient is the client for endpoint with a bounded connect: the
// cleartext HTTP/2 client for http:// endpoints (as the bedrock package
// picks), the SDK's otherwise. closeIdle hangs up its idle connections.
func newHTTPClient(endpoint string, connectTimeout time.Duration) (client aws.HTTPClient, closeIdle func()) {
	dialer := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	if strings.HasPrefix(strings.ToLower(endpoint), "http://") {
		h2c := bedrock.NewH2CClient()
		h2c.Transport.(*http.Transport).DialContext = dialer.DialContext
		return h2c, h2c.CloseIdleConnections
	}
	sdk := awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = connectTimeout
	}).Freeze()
	if idle, ok := sdk.(interface{ CloseIdleConnections() }); ok {
		return sdk, idle.CloseIdleConnections
	}
	return sdk, func() {}
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

// withHeader is the HTTP client for endpoint with one extra header, over
// inner when set. Otherwise it keeps the transport the bedrock package
// would pick: cleartext HTTP/2 for http:// endpoints, the SDK's client
// otherwise.
func withHeader(inner aws.HTTPClient, endpoint, name, value string) aws.HTTPClient {
	switch {
	case inner != nil:
	case strings.HasPrefix(strings.ToLower(endpoint), "http://"):
		inner = bedrock.NewH2CClient()
	default:
		inner = awshttp.NewBuildableClient()
	}
	h := http.Header{}
	h.Set(name, value)
	return headerClient{inner: inner, header: h}
}
