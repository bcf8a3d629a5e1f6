package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/server/runtime"
)

const (
	sonnet45  = "anthropic.claude-sonnet-4-5-20250929-v1:0"
	madeUp    = "anthropic.claude-opus-9-20300101-v1:0"
	labPrompt = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":200,"temperature":0,"messages":[{"role":"user","content":"Tell me a story."}]}`
)

// sdkRuntime serves the builtin model through the runtime routes with the
// given catalog and returns an SDK client for it and the runtime's log.
func sdkRuntime(t *testing.T, cat *catalog.Catalog) (*bedrockruntime.Client, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	mux := http.NewServeMux()
	runtime.Register(mux, runtime.Options{
		Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}}),
		Catalog: cat,
		Logger:  slog.New(slog.NewTextHandler(&log, nil)),
	})
	// Cleartext HTTP/2 both ways: over HTTP/1.1 the Go SDK's event-stream
	// reads race with its own request writer (server.GoSDKSettle), and this
	// bare mux does not hold its answers back as serve does.
	ts := httptest.NewUnstartedServer(mux)
	ts.Config.Protocols = new(http.Protocols)
	ts.Config.Protocols.SetUnencryptedHTTP2(true)
	ts.Start()
	t.Cleanup(ts.Close)
	hc := bedrock.NewH2CClient()
	t.Cleanup(hc.CloseIdleConnections)
	client := bedrockruntime.New(bedrockruntime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   hc,
	})
	return client, &log
}

// streamInvoke streams modelID's answer and returns its text and the
// response's fallback header.
func streamInvoke(t *testing.T, c *bedrockruntime.Client, modelID string) (string, string, error) {
	t.Helper()
	out, err := c.InvokeModelWithResponseStream(context.Background(), &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(modelID), ContentType: aws.String("application/json"), Body: []byte(labPrompt),
	})
	if err != nil {
		return "", "", err
	}
	header := ""
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); ok {
		header = raw.Header.Get(runtime.FallbackHeader)
	}
	stream := out.GetStream()
	defer stream.Close()
	var text strings.Builder
	for ev := range stream.Events() {
		if chunk, ok := ev.(*types.ResponseStreamMemberChunk); ok {
			if bytes.Contains(chunk.Value.Bytes, []byte(`"text_delta"`)) {
				text.WriteString("x")
			}
		}
	}
	return text.String(), header, stream.Err()
}

func TestCurrentModelsStreamThroughProfiles(t *testing.T) {
	t.Parallel()
	client, log := sdkRuntime(t, catalog.Embedded())
	for _, id := range []string{"us." + sonnet45, "global." + sonnet45, "global.anthropic.claude-opus-4-6-v1", "us.anthropic.claude-haiku-4-5-20251001-v1:0"} {
		text, header, err := streamInvoke(t, client, id)
		if err != nil || text == "" || header != "" {
			t.Errorf("%s: %d text deltas, fallback header %q, %v", id, len(text), header, err)
		}
	}
	// Bedrock refuses the bare ID of a profile-only model, and so does
	// the runtime.
	var ve *types.ValidationException
	if _, _, err := streamInvoke(t, client, sonnet45); !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "inference profile") {
		t.Errorf("bare %s: %v; want the on-demand ValidationException", sonnet45, err)
	}
	if strings.Contains(log.String(), "not in the catalog") {
		t.Errorf("listed models were logged as fallbacks:\n%s", log)
	}
}

func TestUnseenModelStreamsAsItsFamily(t *testing.T) {
	t.Parallel()
	client, log := sdkRuntime(t, catalog.Embedded())
	for _, id := range []string{madeUp, "us." + madeUp, "global." + madeUp} {
		text, header, err := streamInvoke(t, client, id)
		if err != nil || text == "" || header != "anthropic" {
			t.Errorf("%s: %d text deltas, fallback header %q, %v", id, len(text), header, err)
		}
	}
	if !strings.Contains(log.String(), "model="+madeUp) || !strings.Contains(log.String(), "family=anthropic") {
		t.Errorf("no fallback log line:\n%s", log)
	}
	// Converse says so too.
	out, err := client.ConverseStream(context.Background(), &bedrockruntime.ConverseStreamInput{
		ModelId:  aws.String("meta.llama9-1t-instruct-v1:0"),
		Messages: []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: "hi"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out.GetStream().Close()
	if raw, _ := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); raw == nil || raw.Header.Get(runtime.FallbackHeader) != "llama" {
		t.Errorf("ConverseStream of an unseen Llama: no fallback header llama")
	}
}

func TestStrictModelsRefuseUnseenModels(t *testing.T) {
	t.Parallel()
	client, log := sdkRuntime(t, catalog.Embedded().Strict())
	for _, id := range []string{madeUp, "global." + madeUp} {
		_, _, err := streamInvoke(t, client, id)
		var ve *types.ValidationException
		if !errors.As(err, &ve) || ve.ErrorMessage() != "The provided model identifier is invalid." {
			t.Errorf("strict %s: %v; want ValidationException: The provided model identifier is invalid.", id, err)
		}
		var re interface{ HTTPStatusCode() int }
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
			t.Errorf("strict %s: status not 400: %v", id, err)
		}
	}
	if text, _, err := streamInvoke(t, client, "us."+sonnet45); err != nil || text == "" {
		t.Errorf("strict catalog refused a listed model: %v", err)
	}
	if strings.Contains(log.String(), "not in the catalog") {
		t.Errorf("strict runtime logged a fallback:\n%s", log)
	}
}
