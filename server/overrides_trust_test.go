package server_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/gateway"
)

// addAfterSigning adds a header to every request on its way out, after
// the SDK has signed it, as a party on the path could.
type addAfterSigning struct {
	name, value string
}

func (a addAfterSigning) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(a.name, a.value)
	return http.DefaultTransport.RoundTrip(r)
}

// TestTestHeaderKeys: from beyond loopback, a fault header is honoured
// from a key allowed to send test headers — over SigV4 only when the
// signature covers it — and refused from every other key.
func TestTestHeaderKeys(t *testing.T) {
	allowed := auth.AccessKey{AccessKeyID: "AKIDTESTER", SecretAccessKey: "tester-secret"}
	other := auth.AccessKey{AccessKeyID: "AKIDOTHER", SecretAccessKey: "other-secret"}
	base := startFrontends(t, openNetwork,
		server.Options{
			Auth:           auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{allowed, other}, APIKeys: []string{"tester-api-key", "other-api-key"}},
			TestHeaderKeys: []string{allowed.AccessKeyID, "tester-api-key"},
		},
		gateway.Options{APIKeys: []string{"tester-api-key", "other-api-key"}, TestHeaderKeys: []string{"tester-api-key"}})

	client := func(key auth.AccessKey, rt http.RoundTripper) *bedrockruntime.Client {
		return bedrockruntime.New(bedrockruntime.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(base), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, ""),
			HTTPClient:  &http.Client{Transport: rt},
		})
	}
	signedFault := func(o *bedrockruntime.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("X-Rockstream-Fault", "ThrottlingException"))
	}
	in := &bedrockruntime.InvokeModelInput{ModelId: aws.String(haikuID), Body: []byte(labBody)}
	ctx := t.Context()

	_, err := client(allowed, http.DefaultTransport).InvokeModel(ctx, in, signedFault)
	if te := (*types.ThrottlingException)(nil); !errors.As(err, &te) {
		t.Errorf("allowed key, signed fault: %v; want the injected ThrottlingException", err)
	}
	_, err = client(other, http.DefaultTransport).InvokeModel(ctx, in, signedFault)
	if ad := (*types.AccessDeniedException)(nil); !errors.As(err, &ad) {
		t.Errorf("other key, signed fault: %v; want AccessDeniedException", err)
	}
	_, err = client(allowed, addAfterSigning{"X-Rockstream-Fault", "ThrottlingException"}).InvokeModel(ctx, in)
	if ad := (*types.AccessDeniedException)(nil); !errors.As(err, &ad) {
		t.Errorf("allowed key, fault added after signing: %v; want AccessDeniedException", err)
	}
	if _, err := client(allowed, http.DefaultTransport).InvokeModel(ctx, in); err != nil {
		t.Errorf("allowed key, no fault: %v", err)
	}

	for _, tt := range []struct {
		name   string
		call   frontendCall
		status int
	}{
		{"bedrock API key allowed", bearerCall(frontendCalls(nil)[0], "tester-api-key"), http.StatusTooManyRequests},
		{"bedrock API key not allowed", bearerCall(frontendCalls(nil)[0], "other-api-key"), http.StatusForbidden},
		{"openai key allowed", bearerCall(frontendCalls(nil)[1], "tester-api-key"), http.StatusTooManyRequests},
		{"openai key not allowed", bearerCall(frontendCalls(nil)[1], "other-api-key"), http.StatusForbidden},
	} {
		tt.call.header.Set("X-Rockstream-Fault", "ThrottlingException")
		if got := do(t, base, tt.call); got.status != tt.status {
			t.Errorf("%s: %d %s; want %d", tt.name, got.status, got.raw, tt.status)
		}
	}
}

func bearerCall(c frontendCall, key string) frontendCall {
	c.header = c.header.Clone()
	c.header.Set("Authorization", "Bearer "+key)
	return c
}

// TestTestHeaderKeysNeedVerification: in mode any nothing is verified, so
// a key named in TestHeaderKeys is worth nothing from beyond loopback —
// anyone can claim it.
func TestTestHeaderKeysNeedVerification(t *testing.T) {
	base := startFrontends(t, openNetwork,
		server.Options{TestHeaderKeys: []string{"k"}},
		gateway.Options{TestHeaderKeys: []string{"k"}}) // no APIKeys: the gateway checks none
	for _, c := range frontendCalls(http.Header{"X-Rockstream-Fault": {"ThrottlingException"}}) {
		if got := do(t, base, c); got.status != http.StatusForbidden {
			t.Errorf("%s: unverified key %q honoured: %d %s", c.name, "k", got.status, got.raw)
		}
	}
}
