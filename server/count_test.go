package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// TestSDKCountTokensMatchesInvocation counts a request's tokens with the
// SDK's CountTokens, in both input forms, and checks the count against
// the input tokens the same request is charged when it runs.
func TestSDKCountTokensMatchesInvocation(t *testing.T) {
	r := startServer(t, server.Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})})
	client := sdkClient(t, r.URL, dummyKey)
	ctx := context.Background()
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"system":"You are brief.","messages":[{"role":"user","content":"Tell me a story about two puppies and two kittens."}]}`

	counted, err := client.CountTokens(ctx, &bedrockruntime.CountTokensInput{
		ModelId: aws.String(sonnet),
		Input:   &types.CountTokensInputMemberInvokeModel{Value: types.InvokeModelTokensRequest{Body: []byte(body)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.InvokeModel(ctx, &bedrockruntime.InvokeModelInput{ModelId: aws.String(sonnet), Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Usage struct {
			InputTokens int32 `json:"input_tokens"`
		}
	}
	if err := json.Unmarshal(out.Body, &msg); err != nil {
		t.Fatal(err)
	}
	n := aws.ToInt32(counted.InputTokens)
	if n <= 0 || n != msg.Usage.InputTokens {
		t.Errorf("CountTokens said %d; InvokeModel charged %d input tokens", n, msg.Usage.InputTokens)
	}

	user := types.Message{Role: types.ConversationRoleUser, Content: []types.ContentBlock{
		&types.ContentBlockMemberText{Value: "Tell me a story about two puppies and two kittens."}}}
	system := []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: "You are brief."}}
	conv, err := client.CountTokens(ctx, &bedrockruntime.CountTokensInput{
		ModelId: aws.String(sonnet),
		Input:   &types.CountTokensInputMemberConverse{Value: types.ConverseTokensRequest{Messages: []types.Message{user}, System: system}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ran, err := client.Converse(ctx, &bedrockruntime.ConverseInput{ModelId: aws.String(sonnet), Messages: []types.Message{user}, System: system})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToInt32(conv.InputTokens), aws.ToInt32(ran.Usage.InputTokens); got != want || got != n {
		t.Errorf("converse form counted %d; Converse charged %d; the invoke form counted %d", got, want, n)
	}
}

func TestSDKCountTokensErrors(t *testing.T) {
	r := startServer(t, server.Options{Backend: builtin.New(builtin.Options{})})
	client := sdkClient(t, r.URL, dummyKey)
	count := func(model, body string) error {
		_, err := client.CountTokens(context.Background(), &bedrockruntime.CountTokensInput{
			ModelId: aws.String(model),
			Input:   &types.CountTokensInputMemberInvokeModel{Value: types.InvokeModelTokensRequest{Body: []byte(body)}},
		})
		return err
	}
	for _, tt := range []struct {
		name, model, body, want string
	}{
		{"unknown model", "acme.nothing-v1", labBody, "model identifier is invalid"},
		{"body the model rejects", sonnet, `{"anthropic_version":"bedrock-2023-05-31","messages":[]}`, "required key [max_tokens] not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var apiErr smithy.APIError
			err := count(tt.model, tt.body)
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationException" || !strings.Contains(apiErr.ErrorMessage(), tt.want) {
				t.Errorf("got %v, want a ValidationException saying %q", err, tt.want)
			}
		})
	}
}

// TestCountTokensEnvelope sends what the SDK would not: a missing, empty
// or doubled input and bodies that are not JSON, over plain HTTP.
func TestCountTokensEnvelope(t *testing.T) {
	r := startServer(t, server.Options{Backend: builtin.New(builtin.Options{})})
	for body, want := range map[string]string{
		`{}`:           "Value null at 'input'",
		`{"input":{}}`: "must set one of invokeModel and converse",
		`{"input":{"invokeModel":{"body":"e30="},"converse":{"messages":[]}}}`: "not both",
		`{"input":{"invokeModel":{"body":"not base64!"}}}`:                     "Could not parse the request body",
		`[`: "Could not parse the request body",
	} {
		req, err := http.NewRequest(http.MethodPost, r.URL+"/model/"+sonnet+"/count-tokens", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer local-key") // a Bedrock API key
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "ValidationException:") || !strings.Contains(string(msg), want) {
			t.Errorf("body %s: HTTP %d %s %s, want 400 ValidationException saying %q", body, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), msg, want)
		}
	}
}

func TestCountTokensNeedsACountingBackend(t *testing.T) {
	r := startServer(t, server.Options{Backend: fakebackend.New(fakebackend.Story())})
	_, err := sdkClient(t, r.URL, dummyKey).CountTokens(context.Background(), &bedrockruntime.CountTokensInput{
		ModelId: aws.String(sonnet),
		Input:   &types.CountTokensInputMemberInvokeModel{Value: types.InvokeModelTokensRequest{Body: []byte(labBody)}},
	})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationException" || !strings.Contains(apiErr.ErrorMessage(), "doesn't support counting tokens") {
		t.Errorf("got %v, want a ValidationException", err)
	}
}

// TestPythonCountTokens counts one request in both input forms with boto3
// and checks both against what the builtin model charges for it.
func TestPythonCountTokens(t *testing.T) {
	python := requirePeer(t, "python3")
	r := startServer(t, server.Options{Backend: builtin.New(builtin.Options{})})
	cmd := exec.Command(python, "count_tokens.py")
	cmd.Dir = conformanceDir("bedrock-python")
	cmd.Env = peerEnv(r.URL)
	run := runPeer(t, cmd, nil)
	if run.err != nil {
		t.Fatalf("count_tokens.py: %v\n%s", run.err, run.stderr)
	}
	var got struct{ InvokeModel, Converse int }
	if err := json.Unmarshal([]byte(run.stdout), &got); err != nil {
		t.Fatalf("count_tokens.py printed %q: %v", run.stdout, err)
	}
	want := builtin.InputTokens(&rockstream.Request{System: []string{"You are brief."},
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about a lighthouse keeper.")}})
	if got.InvokeModel != want || got.Converse != want {
		t.Errorf("boto3 counted %+v, want %d for both", got, want)
	}
}

// TestNodeCountTokens counts one request in both input forms with the AWS
// SDK for JavaScript v3, over cleartext HTTP/2, and checks both against
// what the builtin model charges for it.
func TestNodeCountTokens(t *testing.T) {
	node := requirePeer(t, "node")
	requireNodeModules(t)
	r := startServer(t, server.Options{Backend: builtin.New(builtin.Options{})})
	cmd := exec.Command(node, "aws.mjs", "count-tokens")
	cmd.Dir = conformanceDir("bedrock-node")
	cmd.Env = peerEnv(r.URL)
	run := runPeer(t, cmd, nil)
	if run.err != nil {
		t.Fatalf("aws.mjs count-tokens: %v\n%s", run.err, run.stderr)
	}
	lines := jsonLines(t, run.stdout)
	want := float64(builtin.InputTokens(&rockstream.Request{System: []string{"You are brief."},
		Messages: []rockstream.Message{rockstream.UserText("Tell me a story about a lighthouse keeper.")}}))
	if len(lines) != 2 || lines[0]["invokeModel"] != want || lines[0]["converse"] != want || lines[1]["done"] != true {
		t.Errorf("aws.mjs printed %v, want both counts %v, then done", lines, want)
	}
}
