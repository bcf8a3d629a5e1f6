package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/rockstream/rockstream/server"
)

func TestSDKApplyGuardrail(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	client := sdkClient(t, r.URL, dummyKey)
	apply := func(id, text string, source types.GuardrailContentSource) (*bedrockruntime.ApplyGuardrailOutput, error) {
		return client.ApplyGuardrail(context.Background(), &bedrockruntime.ApplyGuardrailInput{
			GuardrailIdentifier: aws.String(id), GuardrailVersion: aws.String("DRAFT"), Source: source,
			Content: []types.GuardrailContentBlock{&types.GuardrailContentBlockMemberText{Value: types.GuardrailTextBlock{Text: aws.String(text)}}},
		})
	}
	out, err := apply("gr-test", "Which stocks should I buy?", types.GuardrailContentSourceInput)
	if err != nil {
		t.Fatal(err)
	}
	if out.Action != types.GuardrailActionGuardrailIntervened || len(out.Outputs) != 1 || aws.ToString(out.Outputs[0].Text) != "Input blocked." {
		t.Errorf("action %s outputs %+v; want the blocked input message", out.Action, out.Outputs)
	}
	if len(out.Assessments) != 1 || out.Assessments[0].TopicPolicy == nil || out.Usage == nil || aws.ToInt32(out.Usage.TopicPolicyUnits) != 1 {
		t.Errorf("assessments %+v usage %+v", out.Assessments, out.Usage)
	}
	out, err = apply("gr-test", "Mail me at jo@example.org.", types.GuardrailContentSourceOutput)
	if err != nil {
		t.Fatal(err)
	}
	if out.Action != types.GuardrailActionGuardrailIntervened || aws.ToString(out.Outputs[0].Text) != "Mail me at {EMAIL}." {
		t.Errorf("masking: action %s outputs %+v", out.Action, out.Outputs)
	}
	pii := out.Assessments[0].SensitiveInformationPolicy
	if pii == nil || pii.PiiEntities[0].Type != types.GuardrailPiiEntityTypeEmail || pii.PiiEntities[0].Action != types.GuardrailSensitiveInformationPolicyActionAnonymized {
		t.Errorf("PII assessment %+v", pii)
	}
	out, err = apply("gr-test", "Tell me about lighthouses.", types.GuardrailContentSourceInput)
	if err != nil || out.Action != types.GuardrailActionNone || len(out.Outputs) != 0 {
		t.Errorf("clean text: %+v, %v; want action NONE and no outputs", out, err)
	}
	_, err = apply("gr-missing", "x", types.GuardrailContentSourceInput)
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown guardrail: err = %v, want ResourceNotFoundException", err)
	}
}

func TestSDKAsyncInvoke(t *testing.T) {
	dir := t.TempDir()
	r := startServer(t, server.Options{Backend: guarded(t), AsyncDir: dir})
	client := sdkClient(t, r.URL, dummyKey)
	ctx := context.Background()
	input := document.NewLazyDocument(map[string]any{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50,
		"messages": []any{map[string]any{"role": "user", "content": "Tell me a story about a lighthouse."}}})
	start, err := client.StartAsyncInvoke(ctx, &bedrockruntime.StartAsyncInvokeInput{
		ModelId: aws.String(sonnet), ModelInput: input, ClientRequestToken: aws.String("token-1"),
		OutputDataConfig: &types.AsyncInvokeOutputDataConfigMemberS3OutputDataConfig{Value: types.AsyncInvokeS3OutputDataConfig{
			S3Uri: aws.String("s3://my-bucket/runs")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(start.InvocationArn)
	if !strings.Contains(arn, ":async-invoke/") {
		t.Fatalf("invocation ARN %q", arn)
	}
	var got *bedrockruntime.GetAsyncInvokeOutput
	for range 1000 { // the job runs at no pace: it ends in a few polls
		if got, err = client.GetAsyncInvoke(ctx, &bedrockruntime.GetAsyncInvokeInput{InvocationArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
		if got.Status != types.AsyncInvokeStatusInProgress {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got.Status != types.AsyncInvokeStatusCompleted || got.EndTime == nil || got.SubmitTime == nil {
		t.Fatalf("job %+v, want Completed with times", got)
	}
	id := arn[strings.LastIndex(arn, "/")+1:]
	body, err := os.ReadFile(filepath.Join(dir, "my-bucket", "runs", id, "output.json"))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Content []struct{ Text string }
	}
	if err := json.Unmarshal(body, &answer); err != nil || len(answer.Content) == 0 || answer.Content[0].Text == "" {
		t.Errorf("output %s: %v", body, err)
	}
	// The same client request token is the same job.
	again, err := client.StartAsyncInvoke(ctx, &bedrockruntime.StartAsyncInvokeInput{
		ModelId: aws.String(sonnet), ModelInput: input, ClientRequestToken: aws.String("token-1"),
		OutputDataConfig: &types.AsyncInvokeOutputDataConfigMemberS3OutputDataConfig{Value: types.AsyncInvokeS3OutputDataConfig{
			S3Uri: aws.String("s3://my-bucket/runs")}},
	})
	if err != nil || aws.ToString(again.InvocationArn) != arn {
		t.Errorf("repeated token: %v, %v; want %s", again, err, arn)
	}
	list, err := client.ListAsyncInvokes(ctx, &bedrockruntime.ListAsyncInvokesInput{StatusEquals: types.AsyncInvokeStatusCompleted,
		SubmitTimeAfter: aws.Time(got.SubmitTime.Add(-time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.AsyncInvokeSummaries) != 1 || aws.ToString(list.AsyncInvokeSummaries[0].InvocationArn) != arn {
		t.Errorf("list %+v, want the one job", list.AsyncInvokeSummaries)
	}
	list, err = client.ListAsyncInvokes(ctx, &bedrockruntime.ListAsyncInvokesInput{StatusEquals: types.AsyncInvokeStatusFailed})
	if err != nil || len(list.AsyncInvokeSummaries) != 0 {
		t.Errorf("failed jobs: %+v, %v; want none", list, err)
	}
	for _, uri := range []string{"s3://my-bucket/../../etc", "s3://../x", "file:///tmp/x"} {
		_, err := client.StartAsyncInvoke(ctx, &bedrockruntime.StartAsyncInvokeInput{ModelId: aws.String(sonnet), ModelInput: input,
			OutputDataConfig: &types.AsyncInvokeOutputDataConfigMemberS3OutputDataConfig{Value: types.AsyncInvokeS3OutputDataConfig{S3Uri: aws.String(uri)}}})
		var ve *types.ValidationException
		if !errors.As(err, &ve) {
			t.Errorf("s3Uri %s: err = %v, want ValidationException", uri, err)
		}
	}
	_, err = client.GetAsyncInvoke(ctx, &bedrockruntime.GetAsyncInvokeInput{InvocationArn: aws.String(arn + "x")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown ARN: err = %v, want ResourceNotFoundException", err)
	}
}

func TestRequestJournal(t *testing.T) {
	r := startServer(t, server.Options{Backend: guarded(t)})
	client := sdkClient(t, r.URL, dummyKey)
	in := guardedConverse("Tell me about lighthouses.")
	converseAll(t, client, in)
	inv, err := client.InvokeModel(context.Background(), &bedrockruntime.InvokeModelInput{ModelId: aws.String(sonnet),
		Body: []byte(labBody), Trace: types.TraceEnabled, GuardrailIdentifier: aws.String("gr-test"), GuardrailVersion: aws.String("1")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(inv.Body), `"amazon-bedrock-guardrailAction":"NONE"`) || !strings.Contains(string(inv.Body), `"amazon-bedrock-trace"`) {
		t.Errorf("InvokeModel body %s: want the guardrail's action and trace", inv.Body)
	}
	type entry struct {
		Operation, ModelID, Method string
		Headers                    map[string][]string
		Body                       json.RawMessage
	}
	read := func() []entry {
		t.Helper()
		resp, err := http.Get(r.URL + "/_rockstream/requests")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("journal: %d %s", resp.StatusCode, b)
		}
		var out struct{ Requests []entry }
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out.Requests
	}
	got := read()
	if len(got) != 2 || got[0].Operation != "ConverseStream" || got[1].Operation != "InvokeModel" || got[1].ModelID != sonnet {
		t.Fatalf("journal %+v, want ConverseStream then InvokeModel", got)
	}
	var body struct {
		GuardrailConfig struct{ GuardrailIdentifier string }
	}
	if err := json.Unmarshal(got[0].Body, &body); err != nil || body.GuardrailConfig.GuardrailIdentifier != "gr-test" {
		t.Errorf("ConverseStream body %s: want the guardrail config as sent", got[0].Body)
	}
	if got[1].Headers["X-Amzn-Bedrock-Trace"] == nil || got[1].Headers["Authorization"] != nil {
		t.Errorf("headers %v: want the trace header and no credentials", got[1].Headers)
	}
	req, _ := http.NewRequest(http.MethodDelete, r.URL+"/_rockstream/requests", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || len(read()) != 0 {
		t.Errorf("DELETE: status %d, journal not cleared", resp.StatusCode)
	}
}
