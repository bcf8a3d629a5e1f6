package converse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rockstream/rockstream"
)

// Bedrock's words for the conversation rules.
const (
	msgAlternate = "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again."
	msgFirstUser = "A conversation must start with a user message. Try again with a conversation that starts with a user message."
)

// DecodeRequest parses and validates a Converse or ConverseStream body.
// Failures are ValidationException errors worded as Bedrock's: constraint
// violations as "N validation error(s) detected: Value … at '…' failed to
// satisfy constraint: …", the conversation rules in Bedrock's sentences.
func DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	var w wireRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, jsonError(err)
	}
	if dec.More() {
		return nil, rockstream.Validationf("Malformed request body: unexpected data after the JSON object.")
	}
	v := &validator{}
	req := &rockstream.Request{Model: modelID}
	req.System = v.system(w.System)
	req.Messages = v.messages(w.Messages)
	v.inference(req, w.InferenceConfig)
	if w.InferenceConfig != nil {
		v.nullInference(body)
	}
	v.tools(req, w.ToolConfig)
	v.additional(req, w.AdditionalModelRequestFields)
	v.options(req, &w)
	req.SystemCache = v.systemCache
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkConversation(req.Messages); err != nil {
		return nil, err
	}
	return req, nil
}

// jsonError turns a decoding failure into Bedrock-style validation text.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return rockstream.Validationf("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be of type %s", te.Field, jsonTypeName(te.Type.String()))
	case errors.As(err, &se):
		return rockstream.Validationf("Malformed request body: %v", se)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return rockstream.Validationf("Malformed request body: unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return rockstream.Validationf("Malformed request body: %v", err)
}

func jsonTypeName(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "integer"
	case strings.Contains(goType, "float"):
		return "number"
	case goType == "string":
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.HasPrefix(goType, "[]"):
		return "list"
	}
	return "structure"
}

// checkConversation applies Converse's conversation rules.
func checkConversation(msgs []rockstream.Message) error {
	if len(msgs) == 0 || msgs[0].Role != rockstream.RoleUser {
		return rockstream.Validationf(msgFirstUser)
	}
	for i := 1; i < len(msgs); i++ {
		if msgs[i].Role == msgs[i-1].Role {
			return rockstream.Validationf(msgAlternate)
		}
	}
	return nil
}

// EncodeRequest builds a Converse JSON body for req (without the model,
// which travels in the path). What Converse has no member for is refused
// with a validation error naming it.
func EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := checkCarried(req); err != nil {
		return nil, err
	}
	w := wireRequest{Messages: make([]wireMessage, 0, len(req.Messages)), System: systemToWire(req)}
	for i, m := range req.Messages {
		content, err := blocksToWire(m.Content)
		if err != nil {
			return nil, fmt.Errorf("converse: message %d: %w", i, err)
		}
		w.Messages = append(w.Messages, wireMessage{Role: string(m.Role), Content: content})
	}
	if req.MaxTokens > 0 || req.Temperature != nil || req.TopP != nil || len(req.StopSequences) > 0 {
		w.InferenceConfig = &wireInference{Temperature: req.Temperature, TopP: req.TopP, StopSequences: req.StopSequences}
		if req.MaxTokens > 0 {
			w.InferenceConfig.MaxTokens = ptr(req.MaxTokens)
		}
	}
	if len(req.Tools) > 0 {
		tc := &wireToolConfig{}
		for _, t := range req.Tools {
			tc.Tools = append(tc.Tools, wireTool{ToolSpec: &wireToolSpec{
				Name: t.Name, Description: t.Description, InputSchema: wireToolSchema{JSON: schemaOrObject(t.InputSchema)},
			}})
			if t.Cache != nil {
				tc.Tools = append(tc.Tools, wireTool{CachePoint: cacheToWire(t.Cache)})
			}
		}
		tc.ToolChoice = toolChoiceToWire(req.ToolChoice)
		w.ToolConfig = tc
	}
	if err := optionsToWire(&w, req); err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

func toolChoiceToWire(tc *rockstream.ToolChoice) *wireToolChoice {
	if tc == nil {
		return nil
	}
	switch tc.Type {
	case "any":
		return &wireToolChoice{Any: &struct{}{}}
	case "tool":
		return &wireToolChoice{Tool: &wireSpecificTool{Name: tc.Name}}
	case "auto":
		return &wireToolChoice{Auto: &struct{}{}}
	}
	return nil // "none" has no Converse form: leaving toolChoice out lets the model decide
}

func schemaOrObject(s json.RawMessage) json.RawMessage {
	if len(s) == 0 {
		return json.RawMessage(`{"type":"object"}`)
	}
	return s
}

func blocksToWire(content []rockstream.Block) ([]wireBlock, error) {
	out := make([]wireBlock, 0, len(content))
	for _, b := range content {
		var w wireBlock
		switch b.Type {
		case rockstream.BlockText:
			w.Text = ptr(b.Text)
		case rockstream.BlockImage:
			if b.Image == nil {
				return nil, fmt.Errorf("image block without an image")
			}
			w.Image = &wireImage{Format: strings.TrimPrefix(b.Image.MediaType, "image/"), Source: wireImageSource{Bytes: b.Image.Data}}
		case rockstream.BlockToolUse:
			in := b.Input
			if len(in) == 0 {
				in = json.RawMessage("{}")
			}
			w.ToolUse = &wireToolUse{ToolUseID: b.ToolUseID, Name: b.Name, Input: in}
		case rockstream.BlockToolResult:
			tr := &wireToolResult{ToolUseID: b.ToolUseID, Content: []wireResultContent{}}
			if b.IsError {
				tr.Status = "error"
			}
			for _, c := range b.Content {
				switch c.Type {
				case rockstream.BlockText:
					tr.Content = append(tr.Content, wireResultContent{Text: ptr(c.Text)})
				case rockstream.BlockImage:
					if c.Image != nil {
						tr.Content = append(tr.Content, wireResultContent{Image: &wireImage{
							Format: strings.TrimPrefix(c.Image.MediaType, "image/"), Source: wireImageSource{Bytes: c.Image.Data}}})
					}
				}
			}
			w.ToolResult = tr
		case rockstream.BlockThinking:
			w.ReasoningContent = &wireReasoning{ReasoningText: &wireReasoningText{Text: b.Text, Signature: b.Signature}}
		case rockstream.BlockRedactedThinking:
			w.ReasoningContent = &wireReasoning{RedactedContent: []byte(b.Data)}
		case rockstream.BlockDocument:
			d, err := documentToWire(b.Document)
			if err != nil {
				return nil, err
			}
			w.Document = d
		case rockstream.BlockGuardContent:
			w.GuardContent = &wireGuardContent{Text: &wireGuardText{Text: b.Text, Qualifiers: b.Qualifiers}}
		default:
			return nil, fmt.Errorf("unsupported content block type %q", b.Type)
		}
		out = append(out, w)
		if b.Cache != nil {
			out = append(out, wireBlock{CachePoint: cacheToWire(b.Cache)})
		}
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }
