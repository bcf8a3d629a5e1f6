package e2e_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

// upstreamClient sends the bedrock backend's requests to the upstream
// runtime. It injects a fault header into the first n requests (the
// gateway does not forward the client's X-Rockstream-* headers: real
// Bedrock would ignore them) and notes the upstream's request IDs.
type upstreamClient struct {
	inner *http.Client
	fault string
	n     int

	mu         sync.Mutex
	hits       int
	requestIDs []string
}

func (u *upstreamClient) Do(r *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.hits++
	inject := u.hits <= u.n
	u.mu.Unlock()
	if inject {
		r = r.Clone(r.Context())
		r.Header.Set(builtin.HeaderFault, u.fault)
	}
	resp, err := u.inner.Do(r)
	if err == nil {
		u.mu.Lock()
		u.requestIDs = append(u.requestIDs, resp.Header.Get("X-Amzn-Requestid"))
		u.mu.Unlock()
	}
	return resp, err
}

func (u *upstreamClient) seen() (hits int, requestIDs []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits, slices.Clone(u.requestIDs)
}

// bedrockBackend starts the local runtime with model as the upstream
// "Bedrock" and returns the bedrock backend in front of it.
func bedrockBackend(t *testing.T, up *upstreamClient, model rockstream.Backend, opts amazonbedrock.Options) *amazonbedrock.Backend {
	t.Helper()
	upstream := start(t, server.Options{Backend: model})
	up.inner = &http.Client{Transport: h2cTransport(t)}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDUPSTREAM", "upstream-secret", "")}
	opts.Client.AWSConfig, opts.Client.EndpointURL, opts.Client.HTTPClient = &cfg, upstream.URL, up
	b, err := amazonbedrock.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bedrockGateway puts a second server in front of bedrockBackend's:
// rockstream serve --backend bedrock. It returns the gateway's URL.
func bedrockGateway(t *testing.T, up *upstreamClient, model rockstream.Backend, opts amazonbedrock.Options) string {
	t.Helper()
	return start(t, server.Options{Backend: bedrockBackend(t, up, model, opts)}).URL
}

func fastBuiltin() *builtin.Backend { return builtin.New(builtin.Options{Pace: &builtin.Pace{}}) }

const story = "Tell me a story about two puppies"

func TestBedrockGatewayStreamsBothOperations(t *testing.T) {
	want := expect(labRequest(sonnet, story, 60))
	for _, api := range []bedrock.API{bedrock.Invoke, bedrock.Converse} {
		t.Run("upstream "+api.String(), func(t *testing.T) {
			up := &upstreamClient{}
			url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{Client: bedrock.Options{API: api}})
			c := sdkClient(t, url, nil)
			want.check(t, "InvokeModelWithResponseStream", invoke(context.Background(), c, sonnet, labBody(story, 60)))
			want.check(t, "ConverseStream", converse(context.Background(), c, sonnet, story, 60))
			if hits, _ := up.seen(); hits != 2 {
				t.Errorf("upstream requests = %d, want 2", hits)
			}
		})
	}
}

func TestBedrockGatewayRetriesThrottlingBeforeTheFirstEvent(t *testing.T) {
	want := builtin.Tokens(labRequest(sonnet, story, 60))
	up := &upstreamClient{fault: "ThrottlingException", n: 1}
	url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{})
	a := invoke(context.Background(), sdkClient(t, url, nil), sonnet, labBody(story, 60))
	if a.err != nil {
		t.Fatalf("the retry did not hide the throttling: %v", a.err)
	}
	if !slices.Equal(a.pieces, want) {
		t.Errorf("text pieces %q, want %q", a.pieces, want)
	}
	if hits, _ := up.seen(); hits != 2 {
		t.Errorf("upstream requests = %d, want 2 (one throttled, one answered)", hits)
	}
}

func TestBedrockGatewayReportsThrottlingWhenRetriesRunOut(t *testing.T) {
	up := &upstreamClient{fault: "ThrottlingException", n: 100}
	url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{Client: bedrock.Options{MaxAttempts: 2}})
	a := invoke(context.Background(), sdkClient(t, url, nil), sonnet, labBody(story, 60))
	var throttled *types.ThrottlingException
	if !errors.As(a.err, &throttled) {
		t.Fatalf("err = %v (%T), want ThrottlingException", a.err, a.err)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(a.err, &re) || re.HTTPStatusCode() != http.StatusTooManyRequests {
		t.Errorf("want an HTTP 429 before the stream, got %v", a.err)
	}
	if hits, _ := up.seen(); hits != 2 {
		t.Errorf("upstream requests = %d, want 2 (MaxAttempts)", hits)
	}
}

func TestBedrockGatewayFailuresAfterTheFirstEvent(t *testing.T) {
	// after=4: message start, block start and two text deltas reach the
	// client before the fault.
	want := builtin.Tokens(labRequest(sonnet, story, 60))[:2]
	cases := []struct {
		fault string
		check func(error) bool
	}{
		{"ThrottlingException,after=4", func(err error) bool {
			var e *types.ThrottlingException
			return errors.As(err, &e)
		}},
		{"ModelStreamErrorException,after=4", func(err error) bool {
			var e *types.ModelStreamErrorException
			return errors.As(err, &e) && aws.ToInt32(e.OriginalStatusCode) == 500
		}},
		{"InternalServerException,after=4", func(err error) bool {
			var e *types.InternalServerException
			return errors.As(err, &e)
		}},
		{"cut,after=4", func(err error) bool { return err != nil }},
	}
	for _, tc := range cases {
		t.Run(tc.fault, func(t *testing.T) {
			up := &upstreamClient{fault: tc.fault, n: 100}
			url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{})
			a := invoke(context.Background(), sdkClient(t, url, nil), sonnet, labBody(story, 60))
			if !slices.Equal(a.pieces, want) {
				t.Errorf("text before the failure %q, want %q", a.pieces, want)
			}
			if a.stop != "" {
				t.Errorf("the stream reached a stop reason %q", a.stop)
			}
			if !tc.check(a.err) {
				t.Errorf("err = %v (%T)", a.err, a.err)
			}
			if hits, _ := up.seen(); hits != 1 {
				t.Errorf("upstream requests = %d, want 1: nothing is retried after the first event", hits)
			}
		})
	}
}

// TestBedrockGatewayConcurrentStreams runs several streams at once
// through the backend's one client per operation. Each reader has its own
// SDK client: one SDK client's concurrent event streams share a codec
// (smithy-go issue 714).
func TestBedrockGatewayConcurrentStreams(t *testing.T) {
	prompts := []string{story, "Explain event streams", "Write a haiku about rivers", "Describe a lighthouse"}
	for _, api := range []bedrock.API{bedrock.Invoke, bedrock.Converse} {
		t.Run("upstream "+api.String(), func(t *testing.T) {
			up := &upstreamClient{}
			url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{Client: bedrock.Options{API: api}})
			answers := make([]answer, len(prompts))
			var wg sync.WaitGroup
			for i, p := range prompts {
				wg.Go(func() {
					answers[i] = invoke(context.Background(), sdkClient(t, url, nil), sonnet, labBody(p, 40))
				})
			}
			wg.Wait()
			for i, p := range prompts {
				expect(labRequest(sonnet, p, 40)).check(t, p, answers[i])
			}
			if hits, _ := up.seen(); hits != len(prompts) {
				t.Errorf("upstream requests = %d, want %d", hits, len(prompts))
			}
		})
	}
}

func TestBedrockGatewayModelIdentifiers(t *testing.T) {
	const profileOnly = "anthropic.claude-3-5-haiku-20241022-v1:0"
	up := &upstreamClient{}
	url := bedrockGateway(t, up, fastBuiltin(), amazonbedrock.Options{})
	c := sdkClient(t, url, nil)

	// A model without on-demand throughput answers through its profile.
	expect(labRequest("us."+profileOnly, story, 30)).check(t, profileOnly, invoke(context.Background(), c, profileOnly, labBody(story, 30)))

	// Bedrock's refusal reaches the client as Bedrock worded it, with the
	// bedrock client's hint after it.
	a := invoke(context.Background(), c, "nosuchprovider.claude-9-imaginary-v1:0", labBody(story, 30))
	var invalid *types.ValidationException
	if !errors.As(a.err, &invalid) || !strings.HasPrefix(invalid.ErrorMessage(), "The provided model identifier is invalid.") {
		t.Errorf("unknown model: %v (%T)", a.err, a.err)
	}
}
