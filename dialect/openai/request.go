package openai

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/rockstream/rockstream"
)

// StreamMode is how the caller asked to be answered.
type StreamMode struct {
	Stream bool
	// IncludeUsage asks for the usage chunk at the end of a stream.
	IncludeUsage bool
}

// FromChatRequest parses and validates a chat completions body. Bad
// bodies fail with a *rockstream.Error of class validation whose message
// reads as OpenAI's and whose Err is a *ParamError naming the parameter.
func FromChatRequest(body []byte) (*rockstream.Request, StreamMode, error) {
	var cr ChatRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&cr); err != nil {
		return nil, StreamMode{}, parseError(err)
	}
	if dec.More() {
		return nil, StreamMode{}, invalid("", "", "We could not parse the JSON body of your request: unexpected data after the JSON object.")
	}
	mode := StreamMode{Stream: cr.Stream}
	if cr.StreamOptions != nil {
		if !cr.Stream {
			return nil, mode, invalid("stream_options", "invalid_value", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
		}
		mode.IncludeUsage = cr.StreamOptions.IncludeUsage
	}
	req, err := fromChat(&cr)
	return req, mode, err
}

func parseError(err error) *rockstream.Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return invalid(te.Field, "invalid_type", "Invalid type for '%s': expected %s, but got %s.", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	return invalid("", "", "We could not parse the JSON body of your request: %v.", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	case "float64":
		return "a number"
	case "int", "ptr":
		return "an integer"
	}
	return goKind
}

func fromChat(cr *ChatRequest) (*rockstream.Request, error) {
	if cr.Model == "" {
		return nil, invalid("model", "missing_required_parameter", "you must provide a model parameter")
	}
	if cr.Messages == nil {
		return nil, invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.")
	}
	if len(cr.Messages) == 0 {
		return nil, invalid("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	}
	if cr.N != nil && *cr.N != 1 {
		return nil, invalid("n", "invalid_value", "Invalid 'n': only n = 1 is supported, but got %d.", *cr.N)
	}
	req := &rockstream.Request{Model: cr.Model, Temperature: cr.Temperature, TopP: cr.TopP}
	if err := limits(cr, req); err != nil {
		return nil, err
	}
	stop, err := stopSequences(cr.Stop)
	if err != nil {
		return nil, err
	}
	req.StopSequences = stop
	for i := range cr.Messages {
		if err := addMessage(req, &cr.Messages[i], fmt.Sprintf("messages[%d]", i)); err != nil {
			return nil, err
		}
	}
	if len(req.Messages) == 0 {
		return nil, invalid("messages", "invalid_value", "Invalid 'messages': the conversation needs at least one user message.")
	}
	for i, t := range cr.Tools {
		tool, err := fromTool(t, fmt.Sprintf("tools[%d]", i))
		if err != nil {
			return nil, err
		}
		req.Tools = append(req.Tools, tool)
	}
	if req.ToolChoice, err = toolChoice(cr.ToolChoice); err != nil {
		return nil, err
	}
	if err := readOptions(cr, req); err != nil {
		return nil, err
	}
	return req, nil
}

// MaxTokensLimit is the largest max_tokens (or max_completion_tokens)
// accepted: more than any model generates in one answer, so a larger
// value is a mistake or an attempt to hold the server.
const MaxTokensLimit = 1_000_000

func limits(cr *ChatRequest, req *rockstream.Request) error {
	for _, m := range []struct {
		name string
		v    *int
	}{{"max_tokens", cr.MaxTokens}, {"max_completion_tokens", cr.MaxCompletionTokens}} {
		if m.v != nil && *m.v < 1 {
			return invalid(m.name, "integer_below_min_value", "Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", m.name, *m.v)
		}
		if m.v != nil && *m.v > MaxTokensLimit {
			return invalid(m.name, "integer_above_max_value", "Invalid '%s': integer above maximum value. Expected a value <= %d, but got %d instead.", m.name, MaxTokensLimit, *m.v)
		}
	}
	for _, p := range []struct {
		name string
		v    *float64
	}{{"frequency_penalty", cr.FrequencyPenalty}, {"presence_penalty", cr.PresencePenalty}} {
		if p.v != nil && (*p.v < -2 || *p.v > 2 || math.IsNaN(*p.v)) {
			return invalid(p.name, "decimal_out_of_range", "Invalid '%s': expected a value between -2 and 2, but got %v instead.", p.name, *p.v)
		}
	}
	switch {
	case cr.MaxCompletionTokens != nil:
		req.MaxTokens = *cr.MaxCompletionTokens
	case cr.MaxTokens != nil:
		req.MaxTokens = *cr.MaxTokens
	}
	if t := cr.Temperature; t != nil && (*t < 0 || *t > 2 || math.IsNaN(*t)) {
		return invalid("temperature", "decimal_out_of_range", "Invalid 'temperature': expected a value between 0 and 2, but got %v instead.", *t)
	}
	if p := cr.TopP; p != nil && (*p < 0 || *p > 1 || math.IsNaN(*p)) {
		return invalid("top_p", "decimal_out_of_range", "Invalid 'top_p': expected a value between 0 and 1, but got %v instead.", *p)
	}
	return nil
}

func stopSequences(raw json.RawMessage) ([]string, error) {
	if isNull(raw) {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, invalid("stop", "invalid_type", "Invalid type for 'stop': expected a string or an array of strings.")
	}
	return many, nil
}

func addMessage(req *rockstream.Request, m *ChatMessage, param string) error {
	switch m.Role {
	case "system", "developer":
		text, err := textContent(m.Content, param+".content")
		if err != nil {
			return err
		}
		req.System = append(req.System, text)
		return nil
	case "user":
		blocks, err := userContent(m.Content, param+".content")
		if err != nil {
			return err
		}
		appendBlocks(req, rockstream.RoleUser, blocks)
		return nil
	case "assistant":
		return addAssistant(req, m, param)
	case "tool":
		if m.ToolCallID == "" {
			return invalid(param+".tool_call_id", "missing_required_parameter", "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.")
		}
		text, err := textContent(m.Content, param+".content")
		if err != nil {
			return err
		}
		result := rockstream.Block{Type: rockstream.BlockToolResult, ToolUseID: m.ToolCallID,
			Content: []rockstream.Block{{Type: rockstream.BlockText, Text: text}}}
		appendBlocks(req, rockstream.RoleUser, []rockstream.Block{result})
		return nil
	case "":
		return invalid(param+".role", "missing_required_parameter", "Missing required parameter: '%s.role'.", param)
	}
	return invalid(param+".role", "invalid_value", "Invalid value: '%s'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", m.Role)
}

func addAssistant(req *rockstream.Request, m *ChatMessage, param string) error {
	var blocks []rockstream.Block
	if !isNull(m.Content) {
		text, err := textContent(m.Content, param+".content")
		if err != nil {
			return err
		}
		if text != "" {
			blocks = append(blocks, rockstream.Block{Type: rockstream.BlockText, Text: text})
		}
	}
	for i, tc := range m.ToolCalls {
		p := fmt.Sprintf("%s.tool_calls[%d]", param, i)
		if tc.ID == "" {
			return invalid(p+".id", "missing_required_parameter", "Missing required parameter: '%s.id'.", p)
		}
		if tc.Function.Name == "" {
			return invalid(p+".function.name", "missing_required_parameter", "Missing required parameter: '%s.function.name'.", p)
		}
		args := strings.TrimSpace(tc.Function.Arguments)
		if args == "" {
			args = "{}"
		}
		if !json.Valid([]byte(args)) {
			return invalid(p+".function.arguments", "invalid_value", "Invalid '%s.function.arguments': not valid JSON.", p)
		}
		blocks = append(blocks, rockstream.Block{Type: rockstream.BlockToolUse, ToolUseID: tc.ID,
			Name: tc.Function.Name, Input: json.RawMessage(args)})
	}
	if len(blocks) > 0 {
		appendBlocks(req, rockstream.RoleAssistant, blocks)
	}
	return nil
}

// appendBlocks adds blocks as a message of role, merged into the last
// message when it has the same role: tool results of one turn become one
// user message, as Bedrock requires.
func appendBlocks(req *rockstream.Request, role rockstream.Role, blocks []rockstream.Block) {
	if n := len(req.Messages); n > 0 && req.Messages[n-1].Role == role {
		req.Messages[n-1].Content = append(req.Messages[n-1].Content, blocks...)
		return
	}
	req.Messages = append(req.Messages, rockstream.Message{Role: role, Content: blocks})
}

// textContent reads a content that may only hold text: a string or an
// array of text parts, joined.
func textContent(raw json.RawMessage, param string) (string, error) {
	if isNull(raw) {
		return "", invalid(param, "missing_required_parameter", "Missing required parameter: '%s'.", param)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	parts, err := contentParts(raw, param)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, p := range parts {
		if p.Type != "text" && p.Type != "refusal" {
			return "", invalid(fmt.Sprintf("%s[%d].type", param, i), "invalid_value", "Invalid value: '%s'. Only 'text' content parts are supported here.", p.Type)
		}
		sb.WriteString(p.Text)
	}
	return sb.String(), nil
}

func userContent(raw json.RawMessage, param string) ([]rockstream.Block, error) {
	if isNull(raw) {
		return nil, invalid(param, "missing_required_parameter", "Missing required parameter: '%s'.", param)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []rockstream.Block{{Type: rockstream.BlockText, Text: s}}, nil
	}
	parts, err := contentParts(raw, param)
	if err != nil {
		return nil, err
	}
	blocks := make([]rockstream.Block, 0, len(parts))
	for i, p := range parts {
		pp := fmt.Sprintf("%s[%d]", param, i)
		switch p.Type {
		case "text":
			blocks = append(blocks, rockstream.Block{Type: rockstream.BlockText, Text: p.Text})
		case "image_url":
			img, err := dataURLImage(p.ImageURL, pp+".image_url.url")
			if err != nil {
				return nil, err
			}
			blocks = append(blocks, rockstream.Block{Type: rockstream.BlockImage, Image: img})
		default:
			return nil, invalid(pp+".type", "invalid_value", "Invalid value: '%s'. Supported values are: 'text' and 'image_url'.", p.Type)
		}
	}
	return blocks, nil
}

func contentParts(raw json.RawMessage, param string) ([]ContentPart, error) {
	var parts []ContentPart
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, invalid(param, "invalid_type", "Invalid type for '%s': expected a string or an array of content parts.", param)
	}
	if len(parts) == 0 {
		return nil, invalid(param, "empty_array", "Invalid '%s': empty array. Expected an array with minimum length 1, but got an empty array instead.", param)
	}
	return parts, nil
}

func dataURLImage(u *ImageURL, param string) (*rockstream.Image, error) {
	if u == nil {
		return nil, invalid(param, "missing_required_parameter", "Missing required parameter: '%s'.", param)
	}
	rest, ok := strings.CutPrefix(u.URL, "data:")
	mediaType, data, ok2 := strings.Cut(rest, ";base64,")
	if !ok || !ok2 || !strings.HasPrefix(mediaType, "image/") {
		return nil, invalid(param, "invalid_image_url", "Invalid '%s': only base64 data URLs of images (data:image/png;base64,…) are supported.", param)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, invalid(param, "invalid_image_url", "Invalid '%s': the base64 data does not decode.", param)
	}
	return &rockstream.Image{MediaType: mediaType, Data: b}, nil
}

func fromTool(t Tool, param string) (rockstream.Tool, error) {
	if t.Type != "function" {
		return rockstream.Tool{}, invalid(param+".type", "invalid_value", "Invalid value: '%s'. Supported values are: 'function'.", t.Type)
	}
	if t.Function.Name == "" {
		return rockstream.Tool{}, invalid(param+".function.name", "missing_required_parameter", "Missing required parameter: '%s.function.name'.", param)
	}
	schema := t.Function.Parameters
	if isNull(schema) {
		schema = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	return rockstream.Tool{Name: t.Function.Name, Description: t.Function.Description, InputSchema: schema}, nil
}

func toolChoice(raw json.RawMessage) (*rockstream.ToolChoice, error) {
	if isNull(raw) {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "auto", "none":
			return &rockstream.ToolChoice{Type: s}, nil
		case "required":
			return &rockstream.ToolChoice{Type: "any"}, nil
		}
		return nil, invalid("tool_choice", "invalid_value", "Invalid value: '%s'. Supported values are: 'none', 'auto' and 'required'.", s)
	}
	var named struct {
		Type     string `json:"type"`
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if err := json.Unmarshal(raw, &named); err != nil || named.Type != "function" || named.Function.Name == "" {
		return nil, invalid("tool_choice", "invalid_value", "Invalid 'tool_choice': expected 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.")
	}
	return &rockstream.ToolChoice{Type: "tool", Name: named.Function.Name}, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
