// Package nova converts Amazon Nova (messages-v1) InvokeModel bodies and
// stream chunks to and from rockstream's neutral model. Nova's body is
// Converse-like: content blocks with text, images, tool use and results;
// its stream chunks wrap Converse's events by member name.
package nova

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

// Codec is the Amazon Nova family's codec.
type Codec struct{}

var _ dialect.Codec = Codec{}

const name = "nova"

// Name is "nova".
func (Codec) Name() string { return name }

type request struct {
	SchemaVersion   string           `json:"schemaVersion"`
	System          []textBlock      `json:"system,omitempty"`
	Messages        []message        `json:"messages"`
	InferenceConfig *inferenceConfig `json:"inferenceConfig,omitempty"`
	ToolConfig      *toolConfig      `json:"toolConfig,omitempty"`
}

type inferenceConfig struct {
	MaxTokens     int      `json:"maxTokens,omitempty"`
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	TopK          *int     `json:"topK,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

type toolConfig struct {
	Tools      []tool      `json:"tools"`
	ToolChoice *toolChoice `json:"toolChoice,omitempty"`
}

type tool struct {
	ToolSpec struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		InputSchema struct {
			JSON json.RawMessage `json:"json"`
		} `json:"inputSchema"`
	} `json:"toolSpec"`
}

type toolChoice struct {
	Auto *struct{}     `json:"auto,omitempty"`
	Any  *struct{}     `json:"any,omitempty"`
	Tool *namedToolRef `json:"tool,omitempty"`
}

type namedToolRef struct {
	Name string `json:"name"`
}

// EncodeRequest writes req as a messages-v1 body.
func (Codec) EncodeRequest(req *rockstream.Request) ([]byte, error) {
	if err := dialect.CheckInvoke(req, name); err != nil {
		return nil, err
	}
	if req.Thinking != nil {
		return nil, prompt.Unsupported(name, "extended thinking")
	}
	if len(req.Messages) == 0 {
		return nil, rockstream.Validationf("%s: the request has no messages", name)
	}
	body := request{SchemaVersion: "messages-v1"}
	for _, s := range req.System {
		body.System = append(body.System, textBlock{Text: s})
	}
	for _, m := range req.Messages {
		w, err := toWireMessage(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, w)
	}
	cfg := inferenceConfig{MaxTokens: req.MaxTokens, Temperature: req.Temperature, TopP: req.TopP, TopK: req.TopK, StopSequences: req.StopSequences}
	if cfg.MaxTokens != 0 || cfg.Temperature != nil || cfg.TopP != nil || cfg.TopK != nil || len(cfg.StopSequences) > 0 {
		body.InferenceConfig = &cfg
	}
	if len(req.Tools) > 0 {
		tc := &toolConfig{}
		for _, t := range req.Tools {
			var w tool
			w.ToolSpec.Name, w.ToolSpec.Description, w.ToolSpec.InputSchema.JSON = t.Name, t.Description, t.InputSchema
			if len(w.ToolSpec.InputSchema.JSON) == 0 {
				w.ToolSpec.InputSchema.JSON = json.RawMessage(`{"type":"object"}`)
			}
			tc.Tools = append(tc.Tools, w)
		}
		choice, err := encodeToolChoice(req.ToolChoice)
		if err != nil {
			return nil, err
		}
		tc.ToolChoice = choice
		body.ToolConfig = tc
	} else if req.ToolChoice != nil {
		return nil, prompt.Unsupported(name, "a tool choice without tools")
	}
	return prompt.JSON(body)
}

func encodeToolChoice(c *rockstream.ToolChoice) (*toolChoice, error) {
	if c == nil {
		return nil, nil
	}
	switch c.Type {
	case "auto":
		return &toolChoice{Auto: &struct{}{}}, nil
	case "any":
		return &toolChoice{Any: &struct{}{}}, nil
	case "tool":
		return &toolChoice{Tool: &namedToolRef{Name: c.Name}}, nil
	}
	return nil, prompt.Unsupported(name, "tool choice "+c.Type)
}

// DecodeRequest checks a messages-v1 body as Bedrock does.
func (Codec) DecodeRequest(modelID string, body []byte) (*rockstream.Request, error) {
	b, err := prompt.Parse(body)
	if err != nil {
		return nil, err
	}
	checkRequest(b)
	if err := b.Err(); err != nil {
		return nil, err
	}
	var w request
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, prompt.Malformed("#: " + err.Error())
	}
	req := &rockstream.Request{Model: modelID}
	for _, s := range w.System {
		req.System = append(req.System, s.Text)
	}
	for _, m := range w.Messages {
		req.Messages = append(req.Messages, fromWireMessage(m))
	}
	if c := w.InferenceConfig; c != nil {
		req.MaxTokens, req.Temperature, req.TopP, req.TopK, req.StopSequences = c.MaxTokens, c.Temperature, c.TopP, c.TopK, c.StopSequences
		if n := b.Object("inferenceConfig").Int("max_new_tokens", 1, 1<<20); n != nil {
			req.MaxTokens = *n
		}
	}
	if tc := w.ToolConfig; tc != nil {
		for _, t := range tc.Tools {
			req.Tools = append(req.Tools, rockstream.Tool{Name: t.ToolSpec.Name, Description: t.ToolSpec.Description, InputSchema: t.ToolSpec.InputSchema.JSON})
		}
		switch c := tc.ToolChoice; {
		case c == nil:
		case c.Auto != nil:
			req.ToolChoice = &rockstream.ToolChoice{Type: "auto"}
		case c.Any != nil:
			req.ToolChoice = &rockstream.ToolChoice{Type: "any"}
		case c.Tool != nil:
			req.ToolChoice = &rockstream.ToolChoice{Type: "tool", Name: c.Tool.Name}
		}
	}
	return req, nil
}

type response struct {
	Output struct {
		Message message `json:"message"`
	} `json:"output"`
	StopReason string `json:"stopReason"`
	Usage      usage  `json:"usage"`
}

type usage struct {
	InputTokens               int `json:"inputTokens"`
	OutputTokens              int `json:"outputTokens"`
	TotalTokens               int `json:"totalTokens"`
	CacheReadInputTokenCount  int `json:"cacheReadInputTokenCount"`
	CacheWriteInputTokenCount int `json:"cacheWriteInputTokenCount"`
}

func wireUsage(u rockstream.Usage) usage {
	return usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, TotalTokens: u.InputTokens + u.OutputTokens,
		CacheReadInputTokenCount: u.CacheReadInputTokens, CacheWriteInputTokenCount: u.CacheWriteInputTokens}
}

func (u usage) neutral() rockstream.Usage {
	return rockstream.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens,
		CacheReadInputTokens: u.CacheReadInputTokenCount, CacheWriteInputTokens: u.CacheWriteInputTokenCount}
}

// EncodeResponse writes resp as Nova's InvokeModel answer.
func (Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	var r response
	msg, err := toWireMessage(rockstream.Message{Role: rockstream.RoleAssistant, Content: resp.Message.Content})
	if err != nil {
		return nil, err
	}
	r.Output.Message, r.StopReason, r.Usage = msg, string(resp.StopReason), wireUsage(resp.Usage)
	return prompt.JSON(r)
}

// DecodeResponse reads Nova's InvokeModel answer.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	if r.Output.Message.Role == "" {
		return nil, prompt.Decoded(name, errNoMessage)
	}
	return &rockstream.Response{Message: fromWireMessage(r.Output.Message), StopReason: rockstream.StopReason(r.StopReason), Usage: r.Usage.neutral()}, nil
}
