package perf

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/server"
)

// Environment of a server process this package starts (see Spawn).
const (
	envRole            = "ROCKSTREAM_PERF_ROLE"             // "runtime" or "gateway"
	envAddr            = "ROCKSTREAM_PERF_ADDR"             // listen address, 127.0.0.1:0 if empty
	envUpstream        = "ROCKSTREAM_PERF_UPSTREAM"         // gateway: the runtime's URL
	envUpstreamHeaders = "ROCKSTREAM_PERF_UPSTREAM_HEADERS" // gateway: "Name: value" lines added upstream
	envCPUProfile      = "ROCKSTREAM_PERF_CPUPROFILE"       // file for the process's CPU profile
	// EnvTransport set to "sdk" makes the gateway stream through the AWS
	// SDK's event-stream reader instead of the bedrock client's direct
	// transport; the gateway inherits it from the benchmark's environment.
	EnvTransport = "ROCKSTREAM_PERF_TRANSPORT"
	// EnvHTTP set to "1.1" makes both hops, load generator to gateway and
	// gateway to runtime, HTTP/1.1 (what boto3 and the Go SDK speak to an
	// http:// endpoint) instead of cleartext HTTP/2 (what the JS SDK
	// speaks); the gateway inherits it from the benchmark's environment.
	EnvHTTP = "ROCKSTREAM_PERF_HTTP"
	// EnvConvert set to "1" makes the gateway convert every request
	// through the neutral model instead of passing the caller's Bedrock
	// wire on (bedrock backend Options.NoPassthrough).
	EnvConvert = "ROCKSTREAM_PERF_CONVERT"
)

// Roles a process can play.
const (
	// RoleRuntime is rockstream serve with the builtin backend: the local
	// Bedrock Runtime.
	RoleRuntime = "runtime"
	// RoleGateway is rockstream serve with the bedrock backend pointed at
	// a runtime: every stream is relayed through the bedrock client.
	RoleGateway = "gateway"
)

// RunRole serves the role named in the environment, if any, and reports
// whether it did; the caller exits with the returned error. A test
// binary's TestMain calls it first, so Spawn can start the same binary
// as a server. The process prints its URL on stdout and serves until its
// stdin closes.
func RunRole() (bool, error) {
	role := os.Getenv(envRole)
	if role == "" {
		return false, nil
	}
	return true, serveRole(role)
}

func serveRole(role string) error {
	switch role {
	case RoleRelay:
		return serveRelay()
	case RoleHTTPProxy:
		return serveHTTPProxy()
	case RoleEcho:
		return serveEcho()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	backend, err := backendFor(ctx, role)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{
		Backend: backend,
		Mount: func(mux *http.ServeMux) {
			mux.HandleFunc("GET "+StatsPath, serveStats)
			mux.HandleFunc("GET "+ProfilePath+"{name}", serveProfile)
		},
	})
	if err != nil {
		return err
	}
	addr := os.Getenv(envAddr)
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if file := os.Getenv(envCPUProfile); file != "" {
		f, err := os.Create(file)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("http://%s\n", ln.Addr())
	// The parent holds our stdin; its end (or death) stops us.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	return srv.Serve(ctx, ln)
}

func backendFor(ctx context.Context, role string) (rockstream.Backend, error) {
	switch role {
	case RoleRuntime:
		return builtin.New(builtin.Options{}), nil
	case RoleGateway:
		hc := newClient()
		if h := parseHeaderLines(os.Getenv(envUpstreamHeaders)); len(h) > 0 {
			hc.Transport = headerTransport{inner: hc.Transport, header: h}
		}
		cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDPERF", "perf", "")}
		return amazonbedrock.New(ctx, amazonbedrock.Options{Client: bedrock.Options{
			AWSConfig: &cfg, EndpointURL: os.Getenv(envUpstream), HTTPClient: hc,
		}, SDKTransport: os.Getenv(EnvTransport) == "sdk", NoPassthrough: os.Getenv(EnvConvert) == "1"})
	}
	return nil, fmt.Errorf("perf: unknown role %q", role)
}

// newClient is the HTTP client of the load generator and of the gateway's
// upstream: cleartext HTTP/2, or HTTP/1.1 with EnvHTTP=1.1, keeping a
// connection per concurrent stream.
func newClient() *http.Client {
	if os.Getenv(EnvHTTP) != "1.1" {
		return bedrock.NewH2CClient()
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 4096
	t.ForceAttemptHTTP2 = false
	return &http.Client{Transport: t}
}

// headerLines renders h as the "Name: value" lines parseHeaderLines reads.
func headerLines(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}

func parseHeaderLines(s string) http.Header {
	h := http.Header{}
	for line := range strings.Lines(s) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return h
}

// headerTransport adds fixed headers to every request: the gateway passes
// the builtin model's pace and faults on to the runtime this way.
type headerTransport struct {
	inner  http.RoundTripper
	header http.Header
}

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, vs := range t.header {
		r.Header[k] = vs
	}
	return t.inner.RoundTrip(r)
}
