package capture_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// pair is one frontend × backend case: what the caller sends, through
// which backend, and what must hold of what arrived and came back.
type pair struct {
	name    string
	backend backendKind
	call    call
	// upstream, when set, adjusts the Bedrock stand-in's model.
	upstream func(*fakebackend.Backend)
	// chunks, when set, are the OpenAI-compatible upstream's answer.
	chunks []string
	checks []check
}

// The request bodies, written by hand with their own spacing and key
// order, so a relay that decodes and encodes again cannot pass for one
// that passes them on.
const (
	// invokeBody is an Anthropic-on-Bedrock InvokeModel body with cache
	// points on the system prompt, a message and a tool.
	invokeBody = `{ "max_tokens": 200,  "anthropic_version": "bedrock-2023-05-31",
  "system": [{"type": "text", "text": "Be terse.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
  "messages": [{"role": "user", "content": [{"type": "text", "text": "Tell a story.", "cache_control": {"type": "ephemeral"}}]}],
  "tools": [{"name": "lookup", "description": "Looks a word up.", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}]
}`
	// converseGuarded is a ConverseStream (or Converse) body with a guardrail.
	converseGuarded = `{"messages":[{"role":"user","content":[{"text":"Tell a story."}]}],
 "inferenceConfig":{"maxTokens":200},
 "guardrailConfig":{"guardrailIdentifier":"gr-capture","guardrailVersion":"2","trace":"enabled"}}`
	// messagesBody is a first-party Messages API request with cache points.
	messagesBody = `{"model":"` + haiku + `","max_tokens":200,"stream":true,` + messagesRest + `}`
	messagesRest = `"system":[{"type":"text","text":"Be terse.","cache_control":{"type":"ephemeral"}}],` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"Tell a story.","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],` +
		`"tools":[{"name":"lookup","description":"Looks a word up.","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}]`
	// messagesOnBedrock is messagesBody as the Anthropic family's
	// InvokeModel body: no model or stream, Bedrock's version, the beta
	// header's flags.
	messagesOnBedrock = `{"max_tokens":200,` + messagesRest +
		`,"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["prompt-caching-2024-07-31","token-efficient-tools-2025-02-19"]}`
	// schemaFormat asks for JSON following a schema whose property name
	// appears nowhere else, so finding it upstream finds the schema.
	schemaFormat = `"response_format":{"type":"json_schema","json_schema":{"name":"capital","strict":true,` +
		`"schema":{"type":"object","properties":{"zq_capital":{"type":"string"}},"required":["zq_capital"],"additionalProperties":false}}}`
	// chatBody is a streamed chat completion with a schema and a field
	// no OpenAI-compatible client library knows.
	chatBody = `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},` +
		`"messages":[{"role":"system","content":"Answer in JSON."},{"role":"user","content":"Capital of France?"}],` +
		schemaFormat + `,"x_vendor_option":{"beam":2},"temperature":0}`
	// chatToHaiku is a streamed chat completion with a schema for a
	// model on Bedrock.
	chatToHaiku = `{"model":"` + haiku + `","stream":true,"max_tokens":100,` +
		`"messages":[{"role":"user","content":"Capital of France?"}],` + schemaFormat + `}`
	// messagesToLlama is a Messages API request with cache points for a
	// model of another family.
	messagesToLlama = `{"model":"` + llama + `","max_tokens":200,"stream":true,` + messagesRest + `}`
)

// guardHeaders are InvokeModel's headers that carry meaning.
var guardHeaders = map[string]string{
	"X-Amzn-Bedrock-GuardrailIdentifier":       "gr-capture",
	"X-Amzn-Bedrock-GuardrailVersion":          "7",
	"X-Amzn-Bedrock-Trace":                     "ENABLED_FULL",
	"X-Amzn-Bedrock-PerformanceConfig-Latency": "optimized",
	"X-Amzn-Bedrock-Service-Tier":              "priority",
	"X-Amzn-Bedrock-Request-Metadata":          `{"team":"search"}`,
}

// guardHeaderNames are guardHeaders' names.
var guardHeaderNames = []string{"X-Amzn-Bedrock-GuardrailIdentifier", "X-Amzn-Bedrock-GuardrailVersion",
	"X-Amzn-Bedrock-Trace", "X-Amzn-Bedrock-PerformanceConfig-Latency", "X-Amzn-Bedrock-Service-Tier",
	"X-Amzn-Bedrock-Request-Metadata"}

const (
	imwrsPath    = "/model/" + haikuPath + "/invoke-with-response-stream"
	conversePath = "/model/" + haikuPath + "/converse-stream"
)

// betaHeader is an anthropic-beta header with two flags.
var betaHeader = map[string]string{"anthropic-beta": "prompt-caching-2024-07-31, token-efficient-tools-2025-02-19"}

var pairs = []pair{
	// Same dialect in and out: the caller's operation, body and headers
	// pass on unchanged, and the answer's frames come back unchanged.
	{
		name: "invoke-stream/bedrock-invoke", backend: bedrockInvoke,
		call: call{path: imwrsPath, header: guardHeaders, body: invokeBody},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, imwrsPath), bodyAsSent(),
			headersAsSent(guardHeaderNames...), notForwarded("Authorization"), framesRelayed("event"), modelSaw(sawInvokeOptions)},
	},
	{
		// --api converse picks the operation for converted requests only.
		name: "invoke-stream/bedrock-converse", backend: bedrockConverse,
		call: call{path: imwrsPath, header: guardHeaders, body: invokeBody},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, imwrsPath), bodyAsSent(),
			headersAsSent(guardHeaderNames...), framesRelayed("event"), modelSaw(sawInvokeOptions)},
	},
	{
		// --api invoke must not turn ConverseStream into InvokeModel.
		name: "converse-stream(sdk)/bedrock-invoke", backend: bedrockInvoke,
		call: call{sdk: converseEverything(llama)},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, "/model/"+llamaPath+"/converse-stream"),
			bodyAsSent(), notForwarded("Authorization"), framesRelayed("event"), sdkText("Once upon a time."), modelSaw(sawConverseOptions)},
	},
	{
		name: "converse-stream(sdk)/bedrock-converse", backend: bedrockConverse,
		call: call{sdk: converseEverything(llama)},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, "/model/"+llamaPath+"/converse-stream"),
			bodyAsSent(), framesRelayed("event"), sdkText("Once upon a time."), modelSaw(sawConverseOptions)},
	},
	{
		// A failure mid-stream: the frames before it and the exception
		// frame itself are the upstream's.
		name: "invoke-stream(throttled)/bedrock-invoke", backend: bedrockInvoke,
		upstream: failAt(4, rockstream.BedrockError("ThrottlingException", "Too many tokens, please wait before trying again.")),
		call:     call{path: imwrsPath, header: guardHeaders, body: invokeBody},
		checks:   []check{status(http.StatusOK), arrived(http.MethodPost, imwrsPath), bodyAsSent(), framesRelayed("exception")},
	},
	{
		name: "converse-stream(model error)/bedrock-invoke", backend: bedrockInvoke,
		upstream: failAt(3, modelStreamError()),
		call:     call{path: conversePath, body: converseGuarded},
		checks:   []check{status(http.StatusOK), arrived(http.MethodPost, conversePath), bodyAsSent(), framesRelayed("exception")},
	},
	{
		name: "messages/bedrock-invoke", backend: bedrockInvoke,
		call:   call{path: "/v1/messages", body: messagesBody, header: betaHeader},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, imwrsPath), bodyIs(messagesOnBedrock), chunksAsSSE(), modelSaw(sawMessages)},
	},
	{
		name: "messages/bedrock-converse", backend: bedrockConverse,
		call:   call{path: "/v1/messages", body: messagesBody, header: betaHeader},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, imwrsPath), bodyIs(messagesOnBedrock), chunksAsSSE(), modelSaw(sawMessages)},
	},
	{
		name: "chat/openai", backend: openaiBackend,
		call: call{path: "/v1/chat/completions", body: chatBody},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, "/v1/chat/completions"),
			bodyRenamed("gpt-4o-mini", upstreamModel), sseRelayed()},
	},

	// Across dialects: through the neutral model, every field arrives or
	// is refused by name in the caller's dialect, with nothing sent.
	{
		name: "chat/bedrock-converse", backend: bedrockConverse,
		call: call{path: "/v1/chat/completions", body: chatToHaiku},
		checks: []check{arrivesOrRefused(openaiErr, "zq_capital", "response_format"),
			status(http.StatusOK), arrived(http.MethodPost, conversePath), chatText("Once upon a time."), modelSaw(sawSchema)},
	},
	{
		name: "chat/bedrock-invoke", backend: bedrockInvoke,
		call:   call{path: "/v1/chat/completions", body: chatToHaiku},
		checks: []check{arrivesOrRefused(openaiErr, "zq_capital", "response_format"), refused(openaiErr, "response_format")},
	},
	{
		name: "chat/builtin", backend: builtinBackend,
		call:   call{path: "/v1/chat/completions", body: chatToHaiku},
		checks: []check{refused(openaiErr, "response_format")},
	},
	{
		name: "messages(llama)/bedrock-invoke", backend: bedrockInvoke,
		call:   call{path: "/v1/messages", body: messagesToLlama},
		checks: []check{arrivesOrRefused(anthropicErr, "cache", "cache"), refused(anthropicErr, "cache_control")},
	},
	{
		// A Messages API request for another family goes by the backend's
		// operation: ConverseStream carries its cache points.
		name: "messages(llama)/bedrock-converse", backend: bedrockConverse,
		call: call{path: "/v1/messages", body: messagesToLlama},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, "/model/"+llamaPath+"/converse-stream"),
			arrivesOrRefused(anthropicErr, `"cachePoint"`, "cache_control")},
	},
	{
		name: "messages/openai", backend: openaiBackend,
		call:   call{path: "/v1/messages", body: messagesBody, header: betaHeader},
		checks: []check{arrivesOrRefused(anthropicErr, "prompt-caching-2024-07-31", "anthropic-beta"), refused(anthropicErr, "anthropic-beta")},
	},
	{
		name: "converse-stream/openai", backend: openaiBackend,
		call:   call{path: conversePath, body: converseGuarded},
		checks: []check{refused(bedrockErr, "guardrail")},
	},
	{
		name: "invoke-stream/openai", backend: openaiBackend,
		call:   call{path: imwrsPath, header: guardHeaders, body: invokeBody},
		checks: []check{refused(bedrockErr, "guardrail")},
	},
	{
		name: "invoke-stream/builtin", backend: builtinBackend,
		call:   call{path: imwrsPath, header: guardHeaders, body: invokeBody},
		checks: []check{refused(bedrockErr, "guardrail")},
	},
	{
		name: "converse-stream/builtin", backend: builtinBackend,
		call:   call{path: conversePath, body: converseGuarded},
		checks: []check{refused(bedrockErr, "guardrail")},
	},

	// Non-stream Bedrock calls go through the neutral model: the
	// guardrail arrives in the operation the backend chose.
	{
		name: "converse/bedrock-converse", backend: bedrockConverse,
		call: call{path: "/model/" + haikuPath + "/converse", body: converseGuarded},
		checks: []check{arrivesOrRefused(bedrockErr, "gr-capture", "guardrail"),
			status(http.StatusOK), arrived(http.MethodPost, conversePath), modelSaw(sawGuardrail("2"))},
	},
	{
		name: "converse/bedrock-invoke", backend: bedrockInvoke,
		call: call{path: "/model/" + haikuPath + "/converse", body: converseGuarded},
		checks: []check{arrivesOrRefused(bedrockErr, "gr-capture", "guardrail"),
			status(http.StatusOK), arrived(http.MethodPost, imwrsPath), modelSaw(sawGuardrail("2"))},
	},
	{
		name: "invoke/bedrock-invoke", backend: bedrockInvoke,
		call: call{path: "/model/" + haikuPath + "/invoke", header: guardHeaders, body: invokeBody},
		checks: []check{arrivesOrRefused(bedrockErr, "gr-capture", "guardrail"),
			status(http.StatusOK), arrived(http.MethodPost, imwrsPath), headersAsSent(guardHeaderNames...), modelSaw(sawInvokeOptions)},
	},
	{
		name: "converse/openai", backend: openaiBackend,
		call:   call{path: "/model/" + haikuPath + "/converse", body: converseGuarded},
		checks: []check{refused(bedrockErr, "guardrail")},
	},
	{
		// The upstream's error object ends the stream as it came, once.
		name: "chat(upstream error)/openai", backend: openaiBackend, chunks: openaiFailing,
		call: call{path: "/v1/chat/completions", body: chatBody},
		checks: []check{status(http.StatusOK), arrived(http.MethodPost, "/v1/chat/completions"),
			bodyRenamed("gpt-4o-mini", upstreamModel), sseRelayed()},
	},
}

// TestCapture runs every pair against a fresh upstream.
func TestCapture(t *testing.T) {
	t.Parallel()
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, p.backend, envOptions{upstream: p.upstream, chunks: p.chunks})
			r := p.call.send(t, e)
			for _, c := range p.checks {
				c(t, r)
			}
		})
	}
}

// failAt makes the upstream's model fail with err in place of event i.
func failAt(i int, err error) func(*fakebackend.Backend) {
	return func(m *fakebackend.Backend) { m.FailAt, m.Err = i, err }
}

// modelStreamError is the model's own failure, with its status.
func modelStreamError() error {
	e := rockstream.BedrockError("ModelStreamErrorException", "The model failed: overloaded.")
	e.OriginalStatusCode = 529
	return e
}

// sawInvokeOptions: the runtime upstream read guardHeaders and
// invokeBody's cache points.
func sawInvokeOptions(t tb, req *rockstream.Request) {
	t.Helper()
	sawGuardrail("7")(t, req)
	if g := req.Guardrail; g != nil && g.Trace != "enabled_full" {
		t.Errorf("upstream trace %q, want enabled_full", g.Trace)
	}
	sawTierAndCache(t, req)
}

// sawConverseOptions: the runtime upstream read every option
// converseEverything set.
func sawConverseOptions(t tb, req *rockstream.Request) {
	t.Helper()
	g := req.Guardrail
	if g == nil || g.Identifier != "gr-capture2" || g.Version != "DRAFT" || g.Trace != "enabled_full" || g.StreamProcessingMode != "async" {
		t.Errorf("upstream guardrail %+v", g)
	}
	sawTierAndCache(t, req)
	if req.TopK == nil || *req.TopK != 5 || string(req.ExtraFields["response_style"]) != `"brief"` {
		t.Errorf("upstream top_k %v, extra fields %s", req.TopK, req.ExtraFields)
	}
	if len(req.ResponseFieldPaths) != 1 || req.ResponseFieldPaths[0] != "/stop_sequence" {
		t.Errorf("upstream response field paths %q", req.ResponseFieldPaths)
	}
}

func sawTierAndCache(t tb, req *rockstream.Request) {
	t.Helper()
	if req.Latency != "optimized" || req.ServiceTier != "priority" || req.Metadata["team"] != "search" {
		t.Errorf("upstream latency %q, tier %q, metadata %v", req.Latency, req.ServiceTier, req.Metadata)
	}
	if len(req.SystemCache) != 1 || len(req.Tools) != 1 || req.Tools[0].Cache == nil {
		t.Errorf("upstream cache points: system %v, tools %+v", req.SystemCache, req.Tools)
	}
	var blockCache bool
	for _, m := range req.Messages {
		for _, b := range m.Content {
			blockCache = blockCache || b.Cache != nil
		}
	}
	if !blockCache {
		t.Errorf("upstream messages lost their cache point: %+v", req.Messages)
	}
}

// sawSchema: the runtime upstream read chatToHaiku's response format.
func sawSchema(t tb, req *rockstream.Request) {
	t.Helper()
	f := req.ResponseFormat
	if f == nil || f.Type != "json_schema" || f.Name != "capital" || !strings.Contains(string(f.Schema), "zq_capital") {
		t.Errorf("upstream response format %+v", f)
	}
}

// sawMessages: the runtime upstream read messagesBody's cache points and
// betaHeader's flags.
func sawMessages(t tb, req *rockstream.Request) {
	t.Helper()
	if !slices.Equal(req.AnthropicBeta, []string{"prompt-caching-2024-07-31", "token-efficient-tools-2025-02-19"}) {
		t.Errorf("upstream beta flags %q", req.AnthropicBeta)
	}
	if len(req.SystemCache) != 1 || len(req.Tools) != 1 || req.Tools[0].Cache == nil ||
		len(req.Messages) != 1 || req.Messages[0].Content[len(req.Messages[0].Content)-1].Cache == nil {
		t.Errorf("upstream cache points: system %v, tools %+v, messages %+v", req.SystemCache, req.Tools, req.Messages)
	}
}

// sawGuardrail: the runtime upstream applied guardrail gr-capture at
// version.
func sawGuardrail(version string) func(tb, *rockstream.Request) {
	return func(t tb, req *rockstream.Request) {
		t.Helper()
		if g := req.Guardrail; g == nil || g.Identifier != "gr-capture" || g.Version != version {
			t.Errorf("upstream guardrail %+v, want gr-capture version %s", g, version)
		}
	}
}
