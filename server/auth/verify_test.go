package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/rockstream/rockstream"
)

var (
	testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	testKey = AccessKey{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
)

const arnPath = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke-with-response-stream"

// signedRequest builds a request as the server receives it, signed the
// way the AWS SDK for Go signs it from the client side.
type signedRequest struct {
	method     string // POST when empty
	path       string
	body       string
	secret     string
	service    string
	at         time.Time
	hashHeader string // X-Amz-Content-Sha256, "" for none
	token      string // session token
	tamper     func(*http.Request)
}

func (s signedRequest) build(t testing.TB) *http.Request {
	t.Helper()
	if s.method == "" {
		s.method = http.MethodPost
	}
	if s.path == "" {
		s.path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
	}
	if s.secret == "" {
		s.secret = testKey.SecretAccessKey
	}
	if s.service == "" {
		s.service = SigningName
	}
	if s.at.IsZero() {
		s.at = testNow
	}
	client := httptest.NewRequest(s.method, "http://localhost:8080"+s.path, strings.NewReader(s.body))
	client.Header.Set("Content-Type", "application/json")
	client.Header.Set("User-Agent", "aws-sdk-go-v2/1.0")
	sum := sha256.Sum256([]byte(s.body))
	hash := hex.EncodeToString(sum[:])
	if s.hashHeader == "computed" {
		s.hashHeader = hash
	}
	if s.hashHeader != "" {
		client.Header.Set("X-Amz-Content-Sha256", s.hashHeader)
	}
	if s.hashHeader == unsignedPayload || strings.HasPrefix(s.hashHeader, streamingPrefix) {
		hash = s.hashHeader
	}
	creds := aws.Credentials{AccessKeyID: testKey.AccessKeyID, SecretAccessKey: s.secret, SessionToken: s.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, client, hash, s.service, "us-east-1", s.at); err != nil {
		t.Fatal(err)
	}
	// What arrives at the server: the request line and the headers.
	server := httptest.NewRequest(s.method, s.path, strings.NewReader(s.body))
	server.Host = "localhost:8080"
	server.Header = client.Header.Clone()
	if s.tamper != nil {
		s.tamper(server)
	}
	return server
}

func hashOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

func strict(t testing.TB) *Verifier {
	t.Helper()
	v, err := New(Config{Mode: ModeStrict, AccessKeys: []AccessKey{testKey}, APIKeys: []string{"ABSKgoodkey"}, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStrictSigV4(t *testing.T) {
	tests := []struct {
		name string
		req  signedRequest
		code string // "" = accepted
		msg  string // part of the refusal's message, if it matters
	}{
		{"signed body", signedRequest{body: `{"max_tokens":10}`}, "", ""},
		{"escaped ARN path", signedRequest{path: arnPath, body: `{}`}, "", ""},
		{"raw colons in path", signedRequest{path: "/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fabc123/invoke", body: `{}`}, "", ""},
		{"hash header not the signed one", signedRequest{body: `{"a":1}`, hashHeader: "2fd9d3a1c6a1c3d8b4cb3bd4d15c5b82c6cbf3c7ee3f3b6f2c8d6c7e1a5d4b9a"}, "InvalidSignatureException", "signature we calculated"},
		{"correct hash header", signedRequest{body: `{"a":1}`, hashHeader: "computed"}, "", ""},
		{"hash header, body changed", signedRequest{body: `{"a":1}`, hashHeader: "computed", tamper: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
		}}, "InvalidSignatureException", "does not match what was computed"},
		{"hash header, body cut", signedRequest{body: `{"a":1}`, hashHeader: "computed", tamper: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"a"`))
		}}, "InvalidSignatureException", "does not match what was computed"},
		{"hash header, empty body", signedRequest{hashHeader: "computed"}, "", ""},
		{"hash header, body dropped", signedRequest{body: `{"a":1}`, hashHeader: "computed", tamper: func(r *http.Request) {
			r.Body, r.ContentLength = http.NoBody, 0
		}}, "InvalidSignatureException", "does not match what was computed"},
		{"hash header, uppercase", signedRequest{body: `{}`, hashHeader: strings.ToUpper(hashOf(`{}`))}, "InvalidSignatureException", "lowercase hex"},
		{"hash header, not a hash", signedRequest{body: `{}`, hashHeader: "abc"}, "InvalidSignatureException", "lowercase hex"},
		{"unsigned payload", signedRequest{body: `{"a":1}`, hashHeader: unsignedPayload}, "InvalidSignatureException", "leaves the request body unsigned"},
		{"streaming payload", signedRequest{body: `{"a":1}`, hashHeader: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}, "InvalidSignatureException", "leaves the request body unsigned"},
		{"unsigned payload, GET", signedRequest{method: http.MethodGet, path: "/foundation-models", hashHeader: unsignedPayload}, "", ""},
		{"scope date not the signing day", signedRequest{body: `{}`, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260314/", "/20260313/", 1))
		}}, "InvalidSignatureException", "Date in Credential scope does not match"},
		{"region not a region", signedRequest{body: `{}`, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/US_EAST/", 1))
		}}, "IncompleteSignatureException", "valid region"},
		{"session token", signedRequest{body: `{}`, token: "FQoGZXIvYXdzEXAMPLE"}, "", ""},
		{"empty body", signedRequest{}, "", ""},
		{"wrong secret", signedRequest{body: `{}`, secret: "not-the-secret"}, "InvalidSignatureException", ""},
		{"wrong service", signedRequest{body: `{}`, service: "bedrock-runtime"}, "InvalidSignatureException", ""},
		{"expired", signedRequest{body: `{}`, at: testNow.Add(-16 * time.Minute)}, "InvalidSignatureException", ""},
		{"from the future", signedRequest{body: `{}`, at: testNow.Add(16 * time.Minute)}, "InvalidSignatureException", ""},
		{"inside the window", signedRequest{body: `{}`, at: testNow.Add(-14 * time.Minute)}, "", ""},
		{"body changed", signedRequest{body: `{"max_tokens":10}`, tamper: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"max_tokens":99}`))
		}}, "InvalidSignatureException", ""},
		{"signed header changed", signedRequest{body: `{}`, tamper: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }}, "InvalidSignatureException", ""},
		{"path changed", signedRequest{body: `{}`, tamper: func(r *http.Request) { r.URL.Path, r.URL.RawPath = "/model/x/invoke", "" }}, "InvalidSignatureException", ""},
		{"unsigned header added", signedRequest{body: `{}`, tamper: func(r *http.Request) { r.Header.Set("X-Extra", "1") }}, "", ""},
		{"unknown key", signedRequest{body: `{}`, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIDEXAMPLE", "AKIDOTHER", 1))
		}}, "UnrecognizedClientException", ""},
		{"no date", signedRequest{body: `{}`, tamper: func(r *http.Request) { r.Header.Del("X-Amz-Date") }}, "IncompleteSignatureException", ""},
	}
	v := strict(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req.build(t)
			err := v.Verify(r)
			var body []byte
			if err == nil {
				// A body's hash may be checked as the handler reads it.
				body, err = io.ReadAll(r.Body)
			}
			if tt.code == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if string(body) != tt.req.body {
					t.Errorf("body after verify = %q, want %q", body, tt.req.body)
				}
				return
			}
			assertCode(t, err, tt.code)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", err, tt.msg)
			}
		})
	}
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *rockstream.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *rockstream.Error", err)
	}
	if e.Code != code {
		t.Errorf("code = %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.StatusCode != http.StatusForbidden && e.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d", e.StatusCode)
	}
}

func TestMessages(t *testing.T) {
	v := strict(t)
	err := v.Verify(signedRequest{secret: "nope"}.build(t))
	if !strings.HasPrefix(err.Error(), "InvalidSignatureException: The request signature we calculated does not match the signature you provided.") {
		t.Errorf("wrong-secret message: %v", err)
	}
	err = v.Verify(signedRequest{at: testNow.Add(-time.Hour)}.build(t))
	if want := "Signature expired: 20260314T140926Z is now earlier than 20260314T145426Z (20260314T150926Z - 15 min.)"; !strings.Contains(err.Error(), want) {
		t.Errorf("expired message: %v", err)
	}
}

func TestHeaderForms(t *testing.T) {
	anyV, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		auth     string
		date     string
		anyCode  string // "" = accepted in mode any
		strictOK bool
	}{
		{"missing", "", "", "MissingAuthenticationTokenException", false},
		{"garbled", "garbage", "", "IncompleteSignatureException", false},
		{"basic", "Basic dXNlcjpwYXNz", "", "IncompleteSignatureException", false},
		{"no signature", "AWS4-HMAC-SHA256 Credential=AKID/20260314/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date", "20260314T150926Z", "IncompleteSignatureException", false},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("a", 64), "20260314T150926Z", "IncompleteSignatureException", false},
		{"host not signed", "AWS4-HMAC-SHA256 Credential=AKID/20260314/us-east-1/bedrock/aws4_request, SignedHeaders=x-amz-date, Signature=" + strings.Repeat("a", 64), "20260314T150926Z", "IncompleteSignatureException", false},
		{"no date header", "AWS4-HMAC-SHA256 Credential=AKID/20260314/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("a", 64), "", "IncompleteSignatureException", false},
		{"well-formed dummy", "AWS4-HMAC-SHA256 Credential=AKID/20260314/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("a", 64), "20260314T150926Z", "", false},
		{"bearer", "Bearer ABSKgoodkey", "", "", true},
		{"bearer other", "Bearer ABSKother", "", "", false},
		{"bearer empty", "Bearer ", "", "AccessDeniedException", false},
	}
	v := strict(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/model/m/invoke", strings.NewReader("{}"))
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if tt.date != "" {
				r.Header.Set("X-Amz-Date", tt.date)
			}
			err := anyV.Verify(r)
			if tt.anyCode == "" && err != nil {
				t.Errorf("mode any rejected: %v", err)
			}
			if tt.anyCode != "" {
				assertCode(t, err, tt.anyCode)
			}
			if err := v.Verify(r); (err == nil) != tt.strictOK {
				t.Errorf("mode strict: err = %v, want accepted=%v", err, tt.strictOK)
			}
		})
	}
}

func TestMiddlewareWritesBedrockError(t *testing.T) {
	v := strict(t)
	called := false
	h := v.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest{secret: "wrong"}.build(t))
	if called || rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, handler called %v", rec.Code, called)
	}
	if got := rec.Header()["x-amzn-ErrorType"]; len(got) != 1 || !strings.HasPrefix(got[0], "InvalidSignatureException:") {
		t.Errorf("x-amzn-ErrorType = %q", got)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest{body: "{}"}.build(t))
	if !called {
		t.Errorf("a good request did not reach the handler (status %d: %s)", rec.Code, rec.Body)
	}
}

func TestConfig(t *testing.T) {
	if _, err := New(Config{Mode: ModeStrict}); err == nil {
		t.Error("strict mode without keys accepted")
	}
	if _, err := New(Config{Mode: "loose"}); err == nil {
		t.Error("unknown mode accepted")
	}
	k, err := ParseAccessKey("AKID:se:cret")
	if err != nil || k.AccessKeyID != "AKID" || k.SecretAccessKey != "se:cret" {
		t.Errorf("ParseAccessKey = %+v, %v", k, err)
	}
	if _, err := ParseAccessKey("AKID"); err == nil {
		t.Error("key without secret accepted")
	}
	var c Config
	if err := c.LoadFile("testdata/keys.json"); err != nil {
		t.Fatal(err)
	}
	if len(c.AccessKeys) != 1 || c.AccessKeys[0].AccessKeyID != "AKIDEXAMPLE" || len(c.APIKeys) != 1 {
		t.Errorf("LoadFile = %+v", c)
	}
	if err := c.LoadFile("testdata/keys_bad.json"); err == nil {
		t.Error("bad keys file accepted")
	}
}
