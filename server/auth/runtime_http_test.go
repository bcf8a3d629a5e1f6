package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// TestRuntimeRefusesTamperedBody runs the whole server: a request signed
// as the JavaScript SDK signs it (X-Amz-Content-Sha256 sent) whose body
// is not the signed one never reaches the backend, and the caller gets a
// Bedrock error naming the hash.
func TestRuntimeRefusesTamperedBody(t *testing.T) {
	key := auth.AccessKey{AccessKeyID: "AKIDLOCAL", SecretAccessKey: "local-secret"}
	fake := fakebackend.New(fakebackend.Story())
	srv, err := server.New(server.Options{Backend: fake, Auth: auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{key}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	signed := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`
	tampered := strings.Replace(signed, `"max_tokens":10`, `"max_tokens":99`, 1)
	send := func(body, hashHeader string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		sum := sha256.Sum256([]byte(signed))
		hash := hex.EncodeToString(sum[:])
		if hashHeader != "" {
			hash = hashHeader
		}
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, auth.SigningName, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype") + " " + string(msg)
	}

	if status, msg := send(signed, ""); status != http.StatusOK {
		t.Fatalf("the signed body: status %d: %s", status, msg)
	}
	if got := fake.LastRequest().MaxTokens; got != 10 {
		t.Fatalf("backend saw max_tokens %d", got)
	}
	status, msg := send(tampered, "")
	if status != http.StatusForbidden || !strings.Contains(msg, "does not match what was computed") {
		t.Errorf("tampered body: status %d: %s", status, msg)
	}
	if got := fake.LastRequest().MaxTokens; got != 10 {
		t.Errorf("the tampered body reached the backend: max_tokens %d", got)
	}
	status, msg = send(tampered, "UNSIGNED-PAYLOAD")
	if status != http.StatusForbidden || !strings.Contains(msg, "leaves the request body unsigned") {
		t.Errorf("UNSIGNED-PAYLOAD: status %d: %s", status, msg)
	}
	if got := fake.LastRequest().MaxTokens; got != 10 {
		t.Errorf("an unsigned body reached the backend: max_tokens %d", got)
	}
}
