package converse

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func fullRequest() *rockstream.Request {
	temp, topP, topK := 0.5, 0.9, 200
	return &rockstream.Request{
		Model:       "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
		System:      []string{"You are terse."},
		MaxTokens:   8000,
		Temperature: &temp, TopP: &topP, TopK: &topK,
		StopSequences: []string{"END"},
		Messages: []rockstream.Message{
			{Role: rockstream.RoleUser, Content: []rockstream.Block{
				{Type: rockstream.BlockText, Text: "Weather in Paris?"},
				{Type: rockstream.BlockImage, Image: &rockstream.Image{MediaType: "image/png", Data: []byte("\x89PNG")}},
			}},
			{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
				{Type: rockstream.BlockThinking, Text: "Use the tool.", Signature: "sig"},
				{Type: rockstream.BlockRedactedThinking, Data: "opaque"},
				{Type: rockstream.BlockToolUse, ToolUseID: "tooluse_1", Name: "get_weather", Input: json.RawMessage(`{"city":"Paris"}`)},
			}},
			{Role: rockstream.RoleUser, Content: []rockstream.Block{
				{Type: rockstream.BlockToolResult, ToolUseID: "tooluse_1", IsError: true, Content: []rockstream.Block{
					{Type: rockstream.BlockText, Text: "service down"}}},
			}},
		},
		Tools: []rockstream.Tool{{Name: "get_weather", Description: "Weather by city",
			InputSchema: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}}}`)}},
		ToolChoice: &rockstream.ToolChoice{Type: "tool", Name: "get_weather"},
		Thinking:   &rockstream.Thinking{BudgetTokens: 2048},
	}
}

func TestRequestRoundTrip(t *testing.T) {
	req := fullRequest()
	body, err := EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden(t, "request.golden.json", pretty.Bytes())
	got, err := DecodeRequest(req.Model, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, req)
	}
}

func TestDecodeRequestValidation(t *testing.T) {
	const user = `{"role":"user","content":[{"text":"hi"}]}`
	tests := []struct{ name, body, want string }{
		{"alternate", `{"messages":[` + user + `,` + user + `]}`,
			"A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again."},
		{"first user", `{"messages":[{"role":"assistant","content":[{"text":"x"}]}]}`,
			"A conversation must start with a user message. Try again with a conversation that starts with a user message."},
		{"empty", `{"messages":[]}`,
			"A conversation must start with a user message. Try again with a conversation that starts with a user message."},
		{"maxTokens", `{"messages":[` + user + `],"inferenceConfig":{"maxTokens":0}}`,
			"1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"maxTokens 2^31", `{"messages":[` + user + `],"inferenceConfig":{"maxTokens":2147483648}}`,
			"1 validation error detected: Value '2147483648' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"maxTokens 10^12", `{"messages":[` + user + `],"inferenceConfig":{"maxTokens":1000000000000}}`,
			"1 validation error detected: Value '1000000000000' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"maxTokens null", `{"messages":[` + user + `],"inferenceConfig":{"maxTokens":null}}`,
			"1 validation error detected: Value null at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must not be null"},
		{"temperature and topP null", `{"messages":[` + user + `],"inferenceConfig":{"temperature":null,"topP":null}}`,
			"2 validation errors detected: Value null at 'inferenceConfig.temperature' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'inferenceConfig.topP' failed to satisfy constraint: Member must not be null"},
		{"temperature and topP", `{"messages":[` + user + `],"inferenceConfig":{"temperature":1.5,"topP":-0.1}}`,
			"2 validation errors detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1; " +
				"Value '-0.1' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"unknown field", `{"messages":[` + user + `],"maxTokens":5}`,
			`Malformed request body: unknown field "maxTokens"`},
		{"wrong type", `{"messages":[` + user + `],"inferenceConfig":{"maxTokens":"5"}}`,
			"1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must be of type integer"},
		{"two members", `{"messages":[{"role":"user","content":[{"text":"a","image":{"format":"png","source":{"bytes":"AA=="}}}]}]}`,
			"1 validation error detected: Value null at 'messages.0.member.content.0.member' failed to satisfy constraint: Member must have exactly one member set, found 2"},
		{"no member", `{"messages":[{"role":"user","content":[{}]}]}`,
			"1 validation error detected: Value null at 'messages.0.member.content.0.member' failed to satisfy constraint: Member must have exactly one member set, found 0"},
		{"empty content", `{"messages":[{"role":"user","content":[]}]}`,
			"1 validation error detected: The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again."},
		{"bad role", `{"messages":[{"role":"bot","content":[{"text":"a"}]}]}`,
			"1 validation error detected: Value 'bot' at 'messages.0.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"},
		{"image format", `{"messages":[{"role":"user","content":[{"image":{"format":"bmp","source":{"bytes":"AA=="}}}]}]}`,
			"1 validation error detected: Value 'bmp' at 'messages.0.member.content.0.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]"},
		{"video unsupported", `{"messages":[{"role":"user","content":[{"video":{"format":"mp4"}}]}]}`,
			"1 validation error detected: Value null at 'messages.0.member.content.0.member.video' failed to satisfy constraint: Member is not supported by this model"},
		{"tool choice union", `{"messages":[` + user + `],"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{}}}}],"toolChoice":{}}}`,
			"1 validation error detected: Value null at 'toolConfig.toolChoice' failed to satisfy constraint: Member must have exactly one member set, found 0"},
		{"tool use without id", `{"messages":[` + user + `,{"role":"assistant","content":[{"toolUse":{"name":"f","input":{}}}]}]}`,
			"1 validation error detected: Value null at 'messages.1.member.content.0.member.toolUse.toolUseId' failed to satisfy constraint: Member must not be null"},
		{"not json", `{"messages":`, "Malformed request body: unexpected EOF"},
		{"trailing data", `{"messages":[` + user + `]} {}`, "Malformed request body: unexpected data after the JSON object."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest("m", []byte(tt.body))
			var e *rockstream.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *rockstream.Error", err)
			}
			if e.Class != rockstream.ClassValidation || e.Code != "ValidationException" || e.StatusCode != 400 {
				t.Errorf("error = %+v", e)
			}
			if e.Message != tt.want {
				t.Errorf("message\n got %q\nwant %q", e.Message, tt.want)
			}
		})
	}
}

func TestDecodeRequestAcceptsExtras(t *testing.T) {
	body := `{"messages":[{"role":"user","content":[{"text":"hi"},{"cachePoint":{"type":"default"}}]}],
		"system":[{"text":"s"},{"cachePoint":{"type":"default"}}],
		"additionalModelRequestFields":{"top_k":5,"anthropic_beta":["x"]},
		"performanceConfig":{"latency":"standard"},"requestMetadata":{"k":"v"},
		"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object"}}}},{"cachePoint":{"type":"default"}}],"toolChoice":{"auto":{}}}}`
	req, err := DecodeRequest("m", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Messages[0].Content) != 1 || len(req.System) != 1 || req.TopK == nil || *req.TopK != 5 ||
		len(req.Tools) != 1 || req.ToolChoice.Type != "auto" {
		t.Errorf("decoded %+v", req)
	}
}

// A neutral stream as an Anthropic model on Bedrock produces it.
var neutralStream = []rockstream.Event{
	rockstream.MessageStart{ID: "msg_1", Model: "claude", Usage: rockstream.Usage{InputTokens: 25}},
	rockstream.BlockStart{Index: 0, Type: rockstream.BlockThinking},
	rockstream.ReasoningDelta{Index: 0, Text: "Need the tool."},
	rockstream.SignatureDelta{Index: 0, Signature: "c2ln"},
	rockstream.BlockStop{Index: 0},
	rockstream.BlockStart{Index: 1, Type: rockstream.BlockText},
	rockstream.TextDelta{Index: 1, Text: "Checking "},
	rockstream.TextDelta{Index: 1, Text: "now."},
	rockstream.BlockStop{Index: 1},
	rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "tooluse_abc", Name: "get_weather"},
	rockstream.ToolInputDelta{Index: 2, PartialJSON: `{"city":`},
	rockstream.ToolInputDelta{Index: 2, PartialJSON: `"Paris"}`},
	rockstream.BlockStop{Index: 2},
	rockstream.BlockStart{Index: 3, Type: rockstream.BlockRedactedThinking, Data: "opaque"},
	rockstream.BlockStop{Index: 3},
	rockstream.MessageStop{StopReason: rockstream.StopToolUse},
	rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 25, OutputTokens: 12, CacheReadInputTokens: 4},
		Metrics: rockstream.Metrics{InvocationLatency: 321 * time.Millisecond, FirstByteLatency: 90 * time.Millisecond}},
}

func encodeFrames(t *testing.T, evs []rockstream.Event) []Frame {
	t.Helper()
	e := NewStreamEncoder()
	var frames []Frame
	var err error
	for _, ev := range evs {
		if frames, err = e.Encode(frames, ev); err != nil {
			t.Fatalf("%T: %v", ev, err)
		}
	}
	if frames, err = e.Flush(frames); err != nil {
		t.Fatal(err)
	}
	return frames
}

func formatFrames(frames []Frame) []byte {
	var b strings.Builder
	for _, f := range frames {
		b.WriteString(f.EventType + " " + string(f.Payload) + "\n")
	}
	return []byte(b.String())
}

func TestStreamEncoderGolden(t *testing.T) {
	frames := encodeFrames(t, neutralStream)
	golden(t, "stream.frames.golden", formatFrames(frames))
	n := len(frames)
	if frames[n-2].EventType != "messageStop" || frames[n-1].EventType != "metadata" {
		t.Errorf("stream does not end with messageStop, metadata")
	}
	for _, f := range frames {
		if f.EventType == "contentBlockStart" && !strings.Contains(string(f.Payload), `"toolUse"`) {
			t.Errorf("contentBlockStart for a non-tool block: %s", f.Payload)
		}
		if strings.Contains(string(f.Payload), `"type"`) {
			t.Errorf("Anthropic-style type field in a Converse event: %s", f.Payload)
		}
	}
}

func TestStreamEncoderClosesAndFlushes(t *testing.T) {
	frames := encodeFrames(t, []rockstream.Event{
		rockstream.TextDelta{Index: 0, Text: "Hi"},
		rockstream.MessageStop{},
	})
	want := "messageStart {\"role\":\"assistant\"}\n" +
		"contentBlockDelta {\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}\n" +
		"contentBlockStop {\"contentBlockIndex\":0}\n" +
		"messageStop {\"stopReason\":\"end_turn\"}\n" +
		"metadata {\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"totalTokens\":0},\"metrics\":{\"latencyMs\":0}}\n"
	if got := string(formatFrames(frames)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStreamEncoderRejects(t *testing.T) {
	tests := map[string][]rockstream.Event{
		"metadata first":      {rockstream.Metadata{}},
		"delta after stop":    {rockstream.MessageStop{}, rockstream.TextDelta{}},
		"after metadata":      {rockstream.MessageStop{}, rockstream.Metadata{}, rockstream.Metadata{}},
		"second start":        {rockstream.MessageStart{}, rockstream.MessageStart{}},
		"block started twice": {rockstream.BlockStart{Type: rockstream.BlockToolUse}, rockstream.BlockStart{Type: rockstream.BlockToolUse}},
	}
	for name, evs := range tests {
		t.Run(name, func(t *testing.T) {
			e := NewStreamEncoder()
			var err error
			for _, ev := range evs {
				if _, err = e.Encode(nil, ev); err != nil {
					break
				}
			}
			if err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestEncodeResponse(t *testing.T) {
	body, err := EncodeResponse(&rockstream.Response{
		Message: rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{
			{Type: rockstream.BlockText, Text: "Hi"},
			{Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "f", Input: json.RawMessage(`{"a":1}`)},
		}},
		StopReason: rockstream.StopToolUse,
		Usage:      rockstream.Usage{InputTokens: 3, OutputTokens: 4},
		Metrics:    rockstream.Metrics{InvocationLatency: 250 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"output":{"message":{"role":"assistant","content":[{"text":"Hi"},{"toolUse":{"toolUseId":"t1","name":"f","input":{"a":1}}}]}},` +
		`"stopReason":"tool_use","usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7},"metrics":{"latencyMs":250}}`
	if string(body) != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	body, _ := EncodeRequest(fullRequest())
	f.Add(body)
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":1}}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":null,"topP":null}}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":2147483648}}`))
	opts, _ := EncodeRequest(optionsRequest())
	f.Add(opts)
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{}}},{"toolResult":{"toolUseId":"x","content":[{}]}}]}],"toolConfig":{"tools":[{}],"toolChoice":{"tool":{}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeRequest("m", body)
		if err != nil {
			var e *rockstream.Error
			if !errors.As(err, &e) || e.Class != rockstream.ClassValidation {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		again, err := EncodeRequest(req)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		emptied := false // a message of cache points only has no neutral content
		for _, m := range req.Messages {
			emptied = emptied || len(m.Content) == 0
		}
		if _, err := DecodeRequest("m", again); err != nil && !emptied {
			t.Fatalf("re-decode of %s: %v", again, err)
		}
		if _, err := ToStreamInput(req); err != nil {
			t.Fatalf("ToStreamInput: %v", err)
		}
	})
}
