package capture_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/openaicompat"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

func TestMain(m *testing.M) {
	// No test may reach for the EC2 instance metadata service.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	goleak.VerifyTestMain(m)
}

const (
	haiku = "anthropic.claude-3-haiku-20240307-v1:0"
	// haikuPath is haiku in a path as the AWS SDKs escape it.
	haikuPath = "anthropic.claude-3-haiku-20240307-v1%3A0"
	llama     = "meta.llama3-8b-instruct-v1:0"
	llamaPath = "meta.llama3-8b-instruct-v1%3A0"
)

// backendKind names a backend as rockstream serve builds it.
type backendKind string

const (
	// bedrockInvoke is --backend bedrock --api invoke, bedrockConverse
	// --api converse: the operation for requests not already in a
	// Bedrock wire.
	bedrockInvoke   backendKind = "bedrock-invoke"
	bedrockConverse backendKind = "bedrock-converse"
	// openaiBackend is --backend openai with a model map.
	openaiBackend  backendKind = "openai"
	builtinBackend backendKind = "builtin"
)

// upstreamModel is what the openai backend's model map names every
// model upstream.
const upstreamModel = "llama3.2"

// env is one frontend server in front of one backend and its recording
// upstream.
type env struct {
	front string // the server the caller calls
	// up records what reached the upstream; nil for the builtin backend,
	// which has none.
	up *recorder
	// model is the Bedrock stand-in's model: what its runtime decoded
	// from what arrived. Nil unless the backend is bedrock.
	model *fakebackend.Backend
}

// envOptions vary an env from the plain one.
type envOptions struct {
	// lossy hands the backend every request as a relay that loses what
	// this suite looks for would (see lossyBackend).
	lossy bool
	// upstream, when set, adjusts the Bedrock stand-in's model before it
	// serves (a failure mid-stream).
	upstream func(*fakebackend.Backend)
	// chunks, when set, are the OpenAI-compatible upstream's answer.
	chunks []string
}

// newEnv starts kind's upstream, the backend, and the server with the
// gateway mounted, as rockstream serve --backend kind runs them.
func newEnv(t *testing.T, kind backendKind, o envOptions) *env {
	t.Helper()
	e := &env{}
	var b rockstream.Backend
	switch kind {
	case bedrockInvoke, bedrockConverse:
		up := newBedrockUpstream(t, o.upstream)
		e.up, e.model = up.recorder, up.model
		api := bedrock.Invoke
		if kind == bedrockConverse {
			api = bedrock.Converse
		}
		cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDUPSTREAM", "upstream-secret", "")}
		bb, err := amazonbedrock.New(context.Background(), amazonbedrock.Options{
			Client: bedrock.Options{Region: "us-east-1", EndpointURL: up.url, API: api, AWSConfig: &cfg,
				HTTPClient: &http.Client{Transport: h2cTransport(t)}, MaxAttempts: 1},
			NoProfileFallback: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		b = bb
	case openaiBackend:
		rec, url := openaiUpstream(t, o.chunks)
		e.up = rec
		ob, err := openaicompat.New(openaicompat.Options{BaseURL: url + "/v1", Models: map[string]string{"*": upstreamModel},
			HTTPClient: &http.Client{Transport: h2cTransport(t)}})
		if err != nil {
			t.Fatal(err)
		}
		b = ob
	case builtinBackend:
		pace, err := builtin.ParsePace("ttft=0s,tps=0", builtin.DefaultPace)
		if err != nil {
			t.Fatal(err)
		}
		b = builtin.New(builtin.Options{Pace: &pace})
	default:
		t.Fatalf("unknown backend %q", kind)
	}
	if o.lossy {
		b = lossyBackend{b}
	}
	r, err := server.Start(context.Background(), server.Options{
		Backend: b,
		Mount: func(mux *http.ServeMux) {
			gateway.Register(mux, gateway.Options{Backend: b})
		},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	e.front = r.URL
	return e
}

// h2cTransport speaks cleartext HTTP/2 with prior knowledge, as the AWS
// SDK for JavaScript does; its idle connections close when the test ends.
func h2cTransport(t *testing.T) *http.Transport {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}
