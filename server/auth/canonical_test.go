package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"
)

// TestSignHTTP2MatchesSigner checks the hand-built canonical request
// against the SDK's signer on requests both can sign (host signed).
func TestSignHTTP2MatchesSigner(t *testing.T) {
	for name, req := range map[string]signedRequest{
		"body":         {body: `{"max_tokens":10}`},
		"escaped ARN":  {path: arnPath, body: `{}`},
		"raw colons":   {path: "/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fabc123/invoke"},
		"query":        {path: "/foundation-models?byProvider=Anthropic&byOutputModality=TEXT"},
		"hash header":  {body: `{"a":1}`, hashHeader: "computed"},
		"session":      {body: `{}`, token: "FQoGZXIvYXdzEXAMPLE"},
		"unsigned":     {body: `{}`, hashHeader: unsignedPayload},
		"other moment": {body: `{}`, at: testNow.Add(-3 * time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			r := req.build(t)
			p, err := parseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				t.Fatal(err)
			}
			hash := r.Header.Get(contentSHA256Name)
			if hash == "" {
				body, err := io.ReadAll(r.Body)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(body)
				hash = hex.EncodeToString(sum[:])
			}
			at, _ := amzDate(r)
			if got := signHTTP2(r, p.sigV4, testKey.SecretAccessKey, hash, at); got != p.sigV4.Signature {
				t.Errorf("signature %s, the SDK signed %s", got, p.sigV4.Signature)
			}
		})
	}
}
