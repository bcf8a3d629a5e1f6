package bedrock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go/auth/bearer"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream"
)

// newH2CServer serves h over cleartext HTTP/1.1 and HTTP/2 on one port, as
// rockstream's local runtime does.
func newH2CServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// protoRecorder serves a stream and records the protocol each request used.
func protoRecorder(t testing.TB, protos chan<- string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		protos <- r.Proto
		serveFrames(claudeFrames(t, "ok")...)(w, r)
	}
}

func TestHTTPEndpointUsesH2C(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		protos := make(chan string, 1)
		srv := newH2CServer(t, protoRecorder(t, protos))
		c := newTestClient(t, srv, Options{Direct: direct})
		events, err := collect(c, textRequest("x"))
		if err != nil || textOf(events) != "ok" {
			t.Fatalf("text %q, error %v", textOf(events), err)
		}
		if p := <-protos; p != "HTTP/2.0" {
			t.Errorf("request used %s, want cleartext HTTP/2", p)
		}
	})
}

// The SDK reads the endpoint from the environment itself; the client must
// still pick h2c for it and sign with the default credential chain.
func TestEndpointFromEnvironment(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		protos := make(chan string, 1)
		srv := newH2CServer(t, protoRecorder(t, protos))
		t.Setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", srv.URL)
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		t.Setenv("AWS_REGION", "eu-west-1")
		c, err := New(context.Background(), Options{Direct: direct})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := collect(c, textRequest("x")); err != nil {
			t.Fatal(err)
		}
		if p := <-protos; p != "HTTP/2.0" {
			t.Errorf("request used %s, want cleartext HTTP/2", p)
		}
		if c.Region() != "eu-west-1" {
			t.Errorf("region %q", c.Region())
		}
	})
}

// A Bedrock API key alone, with no AWS credentials anywhere, authenticates
// over TLS and, to the local runtime, over loopback h2c.
func TestBearerToken(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		auth := make(chan string, 1)
		handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth <- r.Header.Get("Authorization")
			serveFrames(claudeFrames(t, "ok")...)(w, r)
		})
		t.Setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-123")
		t.Setenv("AWS_REGION", "us-west-2")
		for name, srv := range map[string]*httptest.Server{"tls": newTLSServer(t, handler), "loopback h2c": newH2CServer(t, handler)} {
			opts := Options{Direct: direct, EndpointURL: srv.URL}
			if name == "tls" {
				opts.HTTPClient = srv.Client()
			}
			c, err := New(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := collect(c, textRequest("x")); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := <-auth; got != "Bearer bedrock-api-key-123" {
				t.Errorf("%s: Authorization %q", name, got)
			}
		}
	})
}

func TestBearerSignerRefusesPlainHTTPToOtherHosts(t *testing.T) {
	t.Parallel()
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	req.URL, _ = url.Parse("http://bedrock.example.internal/model/x/invoke-with-response-stream")
	if _, err := (bearerSigner{}).SignWithBearerToken(context.Background(), bearer.Token{Value: "secret"}, req); err == nil {
		t.Error("an API key was signed onto a plain-http request to a remote host")
	}
	if req.Header.Get("Authorization") != "" {
		t.Errorf("Authorization set: %q", req.Header.Get("Authorization"))
	}
}

func TestNoCredentials(t *testing.T) {
	forTransports(t, func(t *testing.T, direct bool) {
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Error("a request was sent without credentials")
		}))
		t.Setenv("AWS_REGION", "us-east-1")
		c, err := New(context.Background(), Options{Direct: direct, EndpointURL: srv.URL, HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = collect(c, textRequest("x"))
		e := asError(t, err)
		if e.Class != rockstream.ClassAuth || !strings.Contains(e.Message, "--local") || !strings.Contains(e.Message, "AWS_PROFILE") {
			t.Errorf("error %+v, want an auth error that says how to configure credentials", e)
		}
	})
}

func TestNoRegion(t *testing.T) {
	_, err := New(context.Background(), Options{})
	e := asError(t, err)
	if e.Class != rockstream.ClassValidation || !strings.Contains(e.Message, "AWS_REGION") {
		t.Errorf("error %+v, want one that says how to set a region", e)
	}
}

func TestRegionDefaultsWithEndpoint(t *testing.T) {
	c, err := New(context.Background(), Options{EndpointURL: "http://127.0.0.1:1"})
	if err != nil || c.Region() != "us-east-1" {
		t.Errorf("region %q, error %v", c.Region(), err)
	}
}

func TestUnknownFamilyFailsBeforeSending(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Error("a request was sent for a model without a codec")
		}))
		c := newTestClient(t, srv, Options{Direct: direct})
		_, err := collect(c, &rockstream.Request{Model: "acme.unknown-v1", Messages: []rockstream.Message{rockstream.UserText("x")}})
		if e := asError(t, err); e.Class != rockstream.ClassValidation || e.InStream {
			t.Errorf("error %+v", e)
		}
	})
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, err := New(context.Background(), Options{Direct: direct, EndpointURL: url, AWSConfig: staticConfig(), MaxAttempts: 2})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = func(int) time.Duration { return 0 }
		_, err = collect(c, textRequest("x"))
		if e := asError(t, err); e.Class != rockstream.ClassUnavailable || !strings.Contains(e.Message, "cannot reach") {
			t.Errorf("error %+v", e)
		}
	})
}
