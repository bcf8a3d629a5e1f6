package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

// peerPaths are the two ways an official client reaches an answer in the
// peer tests: the local runtime itself, and a gateway (the bedrock
// backend, relaying the caller's wire) in front of it.
var peerPaths = []string{"runtime", "relay"}

// startPeerServer serves backend over the Bedrock wire and returns the
// URL peers call: the runtime itself, or, via "relay", a second server
// whose bedrock backend relays to it. fault, when set, is the
// X-Rockstream-Fault the relay's upstream requests carry, as the peer's
// own header would reach a runtime it called directly.
func startPeerServer(t *testing.T, via string, backend rockstream.Backend, fault string) *server.Running {
	t.Helper()
	upstream := startServer(t, server.Options{Backend: backend})
	if via == "runtime" {
		return upstream
	}
	hc := bedrock.NewH2CClient()
	if fault != "" {
		hc.Transport = addHeader{inner: hc.Transport, name: "X-Rockstream-Fault", value: fault}
	}
	t.Cleanup(hc.CloseIdleConnections)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDRELAY", "relay-secret", "")}
	relay, err := amazonbedrock.New(context.Background(), amazonbedrock.Options{
		Client: bedrock.Options{AWSConfig: &cfg, EndpointURL: upstream.URL, HTTPClient: hc, MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, server.Options{Backend: relay})
}

// addHeader adds one header to every request.
type addHeader struct {
	inner       http.RoundTripper
	name, value string
}

func (a addHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(a.name, a.value)
	return a.inner.RoundTrip(r)
}
