package chat

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
	"github.com/rockstream/rockstream/dialect/openai"
)

// chunk is one streamed chat.completion.chunk. The last carries a
// finish_reason, the usage and Bedrock's invocation metrics.
type chunk struct {
	ID      string                     `json:"id,omitempty"`
	Object  string                     `json:"object,omitempty"`
	Model   string                     `json:"model,omitempty"`
	Choices *[]chunkChoice             `json:"choices"`
	Usage   *openai.Usage              `json:"usage,omitempty"`
	Metrics *dialect.InvocationMetrics `json:"amazon-bedrock-invocationMetrics,omitempty"`
}

type chunkChoice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
	// StopReason is read too: some Bedrock chat families spell it so.
	StopReason *string `json:"stop_reason,omitempty"`
}

type delta struct {
	Role             string          `json:"role,omitempty"`
	Content          *string         `json:"content,omitempty"`
	ReasoningContent *string         `json:"reasoning_content,omitempty"`
	ToolCalls        []toolCallDelta `json:"tool_calls,omitempty"`
}

type toolCallDelta struct {
	Index    int            `json:"index"`
	ID       string         `json:"id,omitempty"`
	Type     string         `json:"type,omitempty"`
	Function *functionDelta `json:"function,omitempty"`
}

type functionDelta struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// NewStreamDecoder returns a decoder for one stream of chunks.
func (c Codec) NewStreamDecoder() dialect.StreamDecoder {
	d := &decoder{family: c.Spec.Family, calls: map[int]int{}}
	if c.Spec.Reasoning == ReasoningTags {
		d.tags = &tagSplitter{}
	}
	return d
}

type decoder struct {
	family  string
	tags    *tagSplitter // nil when reasoning comes in its own field
	started bool
	blocks  int // index of the next block
	cur     int // index of the open block
	kind    rockstream.BlockType
	calls   map[int]int // tool call index → block index
	done    bool
}

func (d *decoder) Done() bool { return d.done }

func (d *decoder) Decode(dst []rockstream.Event, data []byte) ([]rockstream.Event, error) {
	if d.done {
		return dst, prompt.AfterEnd(d.family)
	}
	var c chunk
	if err := json.Unmarshal(data, &c); err != nil {
		return dst, prompt.Decoded(d.family, err)
	}
	if c.Choices == nil {
		return dst, prompt.Decoded(d.family, errNotChunk)
	}
	if !d.started {
		d.started = true
		dst = append(dst, rockstream.MessageStart{ID: c.ID, Model: c.Model})
	}
	var finish *string
	for _, ch := range *c.Choices {
		if ch.Index != 0 {
			continue // one choice is asked for; n>1 is not accepted
		}
		dst = d.delta(dst, ch.Delta)
		if ch.FinishReason != nil {
			finish = ch.FinishReason
		} else if ch.StopReason != nil {
			finish = ch.StopReason
		}
	}
	if finish == nil {
		return dst, nil
	}
	d.done = true
	if d.tags != nil {
		dst = d.split(dst, d.tags.flush())
	}
	dst = append(d.close(dst), rockstream.MessageStop{StopReason: stopReason(*finish)})
	switch {
	case c.Metrics != nil:
		dst = append(dst, c.Metrics.Metadata())
	case c.Usage != nil:
		dst = append(dst, rockstream.Metadata{Usage: rockstream.Usage{InputTokens: c.Usage.PromptTokens, OutputTokens: c.Usage.CompletionTokens}})
	}
	return dst, nil
}

func (d *decoder) delta(dst []rockstream.Event, dl delta) []rockstream.Event {
	if r := dl.ReasoningContent; r != nil && *r != "" {
		dst = d.append(dst, rockstream.BlockThinking, *r)
	}
	if t := dl.Content; t != nil && *t != "" {
		if d.tags != nil {
			dst = d.split(dst, d.tags.feed(*t))
		} else {
			dst = d.append(dst, rockstream.BlockText, *t)
		}
	}
	for _, tc := range dl.ToolCalls {
		var name, args string
		if tc.Function != nil {
			name, args = tc.Function.Name, tc.Function.Arguments
		}
		idx, seen := d.calls[tc.Index]
		if !seen {
			dst = d.open(dst, rockstream.BlockToolUse)
			dst = append(dst, rockstream.BlockStart{Index: d.cur, Type: rockstream.BlockToolUse, ToolUseID: tc.ID, Name: name})
			idx = d.cur
			d.calls[tc.Index] = idx
		}
		if args != "" {
			dst = append(dst, rockstream.ToolInputDelta{Index: idx, PartialJSON: args})
		}
	}
	return dst
}

func (d *decoder) split(dst []rockstream.Event, parts []part) []rockstream.Event {
	for _, p := range parts {
		kind := rockstream.BlockText
		if p.reasoning {
			kind = rockstream.BlockThinking
		}
		dst = d.append(dst, kind, p.text)
	}
	return dst
}

// append adds text to the open block of kind, opening one if needed.
func (d *decoder) append(dst []rockstream.Event, kind rockstream.BlockType, text string) []rockstream.Event {
	if d.kind != kind {
		dst = d.open(dst, kind)
		if kind == rockstream.BlockThinking {
			dst = append(dst, rockstream.BlockStart{Index: d.cur, Type: kind})
		}
	}
	if kind == rockstream.BlockThinking {
		return append(dst, rockstream.ReasoningDelta{Index: d.cur, Text: text})
	}
	return append(dst, rockstream.TextDelta{Index: d.cur, Text: text})
}

// open closes the open block and makes a new one of kind current.
func (d *decoder) open(dst []rockstream.Event, kind rockstream.BlockType) []rockstream.Event {
	dst = d.close(dst)
	d.kind, d.cur = kind, d.blocks
	d.blocks++
	return dst
}

func (d *decoder) close(dst []rockstream.Event) []rockstream.Event {
	if d.kind == "" {
		return dst
	}
	d.kind = ""
	return append(dst, rockstream.BlockStop{Index: d.cur})
}

// NewStreamEncoder returns an encoder for one stream of chunks.
func (c Codec) NewStreamEncoder() dialect.StreamEncoder {
	return &encoder{spec: c.Spec, calls: map[int]int{}}
}

type encoder struct {
	spec      Spec
	id, model string
	roleSent  bool
	tagOpen   bool        // "<reasoning>" sent and not yet closed
	calls     map[int]int // block index → tool call index
	fin       prompt.Finish
}

func (e *encoder) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		e.id, e.model = ev.ID, ev.Model
	case rockstream.BlockStart:
		switch ev.Type {
		case rockstream.BlockText, rockstream.BlockThinking:
		case rockstream.BlockToolUse:
			k := len(e.calls)
			e.calls[ev.Index] = k
			d := delta{ToolCalls: []toolCallDelta{{Index: k, ID: ev.ToolUseID, Type: "function", Function: &functionDelta{Name: ev.Name}}}}
			if e.tagOpen {
				d.Content = ptr(closeTag)
				e.tagOpen = false
			}
			return e.chunk(dst, d, nil, nil)
		default:
			return dst, prompt.NotCarried(e.spec.Family, ev)
		}
	case rockstream.TextDelta:
		s := ev.Text
		if e.tagOpen {
			s, e.tagOpen = closeTag+s, false
		}
		return e.content(dst, s)
	case rockstream.ReasoningDelta:
		if e.spec.Reasoning != ReasoningTags {
			return e.chunk(dst, delta{ReasoningContent: &ev.Text}, nil, nil)
		}
		s := ev.Text
		if !e.tagOpen {
			s, e.tagOpen = openTag+s, true
		}
		return e.content(dst, s)
	case rockstream.SignatureDelta:
		// The family's reasoning has no signature to carry: nothing to send.
	case rockstream.ToolInputDelta:
		k, ok := e.calls[ev.Index]
		if !ok {
			return dst, prompt.NotCarried(e.spec.Family, ev)
		}
		return e.chunk(dst, delta{ToolCalls: []toolCallDelta{{Index: k, Function: &functionDelta{Arguments: ev.PartialJSON}}}}, nil, nil)
	case rockstream.BlockStop:
		if e.tagOpen {
			e.tagOpen = false
			return e.content(dst, closeTag)
		}
	case rockstream.MessageStop, rockstream.Metadata:
		return e.fin.Encode(dst, ev, e.final)
	default:
		return dst, prompt.NotCarried(e.spec.Family, ev)
	}
	return dst, nil
}

func (e *encoder) Flush(dst [][]byte) ([][]byte, error) {
	return e.fin.End(dst, e.final)
}

func (e *encoder) content(dst [][]byte, s string) ([][]byte, error) {
	return e.chunk(dst, delta{Content: &s}, nil, nil)
}

func (e *encoder) final(dst [][]byte, stop rockstream.MessageStop, m *dialect.InvocationMetrics) ([][]byte, error) {
	reason := wireStop(stop.StopReason)
	var d delta
	if e.tagOpen {
		d.Content, e.tagOpen = ptr(closeTag), false
	}
	var u *openai.Usage
	if m != nil {
		u = &openai.Usage{PromptTokens: m.InputTokenCount, CompletionTokens: m.OutputTokenCount,
			TotalTokens: m.InputTokenCount + m.OutputTokenCount}
	}
	return e.chunk(dst, d, &reason, func(c *chunk) { c.Usage, c.Metrics = u, m })
}

func (e *encoder) chunk(dst [][]byte, d delta, finish *string, extra func(*chunk)) ([][]byte, error) {
	if !e.roleSent {
		e.roleSent, d.Role = true, "assistant"
	}
	choices := []chunkChoice{{Delta: d, FinishReason: finish}}
	c := chunk{ID: e.id, Object: "chat.completion.chunk", Model: e.model, Choices: &choices}
	if extra != nil {
		extra(&c)
	}
	b, err := prompt.JSON(c)
	if err != nil {
		return dst, err
	}
	return append(dst, b), nil
}

func ptr[T any](v T) *T { return &v }
