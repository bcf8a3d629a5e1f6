package bedrock

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream/server/auth"
)

// TestRelayApplyGuardrail: the relayed call reaches the path the SDK's own
// ApplyGuardrail reaches (a guardrail ARN escaped as the SDK escapes it),
// passes strict SigV4 verification, carries the body byte for byte, and
// comes back as it was answered, an error answer included.
func TestRelayApplyGuardrail(t *testing.T) {
	t.Parallel()
	verifier, err := auth.New(auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ path, body string }
	var got []seen
	srv := newTLSServer(t, verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.URL.EscapedPath(), string(b)})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Requestid", "req-1")
		if len(got) == 3 {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"no such guardrail"}`)
			return
		}
		_, _ = io.WriteString(w, `{"action":"NONE","outputs":[],"assessments":[{}],"usage":{"wordPolicyUnits":1},"newField":1}`)
	})))
	cfg := staticConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	c := newTestClient(t, srv, Options{AWSConfig: cfg})
	const arn = "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123"

	if _, err := c.runtime.ApplyGuardrail(context.Background(), &bedrockruntime.ApplyGuardrailInput{
		GuardrailIdentifier: aws.String(arn), GuardrailVersion: aws.String("DRAFT"), Source: types.GuardrailContentSourceInput,
		Content: []types.GuardrailContentBlock{&types.GuardrailContentBlockMemberText{Value: types.GuardrailTextBlock{Text: aws.String("hi")}}},
	}, func(o *bedrockruntime.Options) { o.HTTPClient = c.plainHTTP }); err != nil {
		t.Fatalf("the SDK's own call: %v", err)
	}
	const body = `{"source":"INPUT","content":[{"text":{"text":"hi"}}],"futureField":true}`
	reply, err := c.RelayApplyGuardrail(context.Background(), arn, "DRAFT", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].path != got[0].path {
		t.Fatalf("paths %+v: want the SDK's path twice", got)
	}
	if got[1].body != body {
		t.Errorf("relayed body %q, want %q", got[1].body, body)
	}
	if reply.StatusCode != http.StatusOK || string(reply.Body) != `{"action":"NONE","outputs":[],"assessments":[{}],"usage":{"wordPolicyUnits":1},"newField":1}` ||
		reply.Header.Get("X-Amzn-Requestid") != "req-1" {
		t.Errorf("reply %d %v %s", reply.StatusCode, reply.Header, reply.Body)
	}

	reply, err = c.RelayApplyGuardrail(context.Background(), arn, "DRAFT", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if reply.StatusCode != http.StatusNotFound || reply.Header.Get("X-Amzn-Errortype") == "" || string(reply.Body) != `{"message":"no such guardrail"}` {
		t.Errorf("an error answer: %d %v %s; want it as it came", reply.StatusCode, reply.Header, reply.Body)
	}
}
