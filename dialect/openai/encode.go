package openai

import (
	"fmt"

	"github.com/rockstream/rockstream"
)

// ChunkInfo is what every chunk of one stream repeats.
type ChunkInfo struct {
	ID      string // "chatcmpl-…"
	Model   string
	Created int64 // Unix seconds
	// IncludeUsage asks for the usage chunk (empty choices) at the end.
	IncludeUsage bool
}

// StreamEncoder turns one stream's neutral events into chat.completion.chunk
// objects: the role in the first chunk, content and tool_calls deltas (a
// dense index per call, id and name in its first delta), the finish reason,
// and the usage chunk when it was asked for. It is stateful: one per stream.
type StreamEncoder struct {
	info      ChunkInfo
	roleSent  bool
	calls     map[int]int // neutral block index → tool call index
	usage     rockstream.Usage
	usageSent bool
}

// NewStreamEncoder returns an encoder for one stream.
func NewStreamEncoder(info ChunkInfo) *StreamEncoder {
	return &StreamEncoder{info: info, calls: map[int]int{}}
}

// Encode appends the chunks for ev to dst; many events add none.
func (e *StreamEncoder) Encode(dst [][]byte, ev rockstream.Event) [][]byte {
	switch ev := ev.(type) {
	case rockstream.MessageStart:
		e.usage = ev.Usage
		if !e.roleSent {
			dst = e.delta(dst, Delta{Content: new(string)})
		}
	case rockstream.BlockStart:
		if ev.Type == rockstream.BlockToolUse {
			dst = e.delta(dst, Delta{ToolCalls: []ToolCallDelta{e.startCall(ev.Index, ev.ToolUseID, ev.Name)}})
		}
	case rockstream.TextDelta:
		if ev.Text != "" {
			dst = e.delta(dst, Delta{Content: &ev.Text})
		}
	case rockstream.ReasoningDelta:
		if ev.Text != "" {
			dst = e.delta(dst, Delta{ReasoningContent: &ev.Text})
		}
	case rockstream.ToolInputDelta:
		var calls []ToolCallDelta
		k, ok := e.calls[ev.Index]
		if !ok {
			// A call that began without BlockStart: open it here.
			calls = append(calls, e.startCall(ev.Index, fmt.Sprintf("call_%d", ev.Index), ""))
			k = e.calls[ev.Index]
		}
		if ev.PartialJSON != "" {
			calls = append(calls, ToolCallDelta{Index: k, Function: &FunctionCallDelta{Arguments: ev.PartialJSON}})
		}
		if calls != nil {
			dst = e.delta(dst, Delta{ToolCalls: calls})
		}
	case rockstream.MessageStop:
		reason := FinishReason(ev.StopReason)
		dst = e.chunk(dst, []ChunkChoice{{Delta: e.role(Delta{}), FinishReason: &reason}}, nil)
	case rockstream.Metadata:
		mergeUsage(&e.usage, ev.Usage)
		dst = e.Close(dst)
	}
	return dst
}

// Close appends the usage chunk if it was asked for and not yet sent: at
// the end of every stream, cancelled and failed ones included.
func (e *StreamEncoder) Close(dst [][]byte) [][]byte {
	if !e.info.IncludeUsage || e.usageSent {
		return dst
	}
	e.usageSent = true
	u := toUsage(e.usage)
	return e.chunk(dst, []ChunkChoice{}, &u)
}

// Fail appends what ends a stream that failed after it began: the usage
// chunk if asked for, then the in-band error chunk.
func (e *StreamEncoder) Fail(dst [][]byte, err *rockstream.Error) [][]byte {
	dst = e.Close(dst)
	return append(dst, ErrorChunk(err))
}

func (e *StreamEncoder) startCall(block int, id, name string) ToolCallDelta {
	k := len(e.calls)
	e.calls[block] = k
	return ToolCallDelta{Index: k, ID: id, Type: "function", Function: &FunctionCallDelta{Name: name}}
}

// role adds the assistant role to the stream's first delta.
func (e *StreamEncoder) role(d Delta) Delta {
	if !e.roleSent {
		d.Role, e.roleSent = "assistant", true
	}
	return d
}

func (e *StreamEncoder) delta(dst [][]byte, d Delta) [][]byte {
	return e.chunk(dst, []ChunkChoice{{Delta: e.role(d)}}, nil)
}

func (e *StreamEncoder) chunk(dst [][]byte, choices []ChunkChoice, u *Usage) [][]byte {
	return append(dst, mustMarshal(Chunk{ID: e.info.ID, Object: "chat.completion.chunk",
		Created: e.info.Created, Model: e.info.Model, Choices: choices, Usage: u}))
}

func mergeUsage(u *rockstream.Usage, v rockstream.Usage) {
	if v.InputTokens != 0 {
		u.InputTokens = v.InputTokens
	}
	if v.OutputTokens != 0 {
		u.OutputTokens = v.OutputTokens
	}
	if v.CacheReadInputTokens != 0 {
		u.CacheReadInputTokens = v.CacheReadInputTokens
	}
	if v.CacheWriteInputTokens != 0 {
		u.CacheWriteInputTokens = v.CacheWriteInputTokens
	}
}

func toUsage(u rockstream.Usage) Usage {
	in := u.InputTokens + u.CacheReadInputTokens + u.CacheWriteInputTokens
	out := Usage{PromptTokens: in, CompletionTokens: u.OutputTokens, TotalTokens: in + u.OutputTokens}
	if u.CacheReadInputTokens > 0 {
		out.PromptTokensDetails = &PromptTokensDetails{CachedTokens: u.CacheReadInputTokens}
	}
	return out
}

// FinishReason is OpenAI's finish_reason for a stop reason.
func FinishReason(r rockstream.StopReason) string {
	switch r {
	case rockstream.StopMaxTokens:
		return "length"
	case rockstream.StopToolUse:
		return "tool_calls"
	case rockstream.StopContentFiltered, rockstream.StopGuardrail:
		return "content_filter"
	}
	return "stop"
}

// StopReasonOf is the stop reason for an OpenAI finish_reason.
func StopReasonOf(finish string) rockstream.StopReason {
	switch finish {
	case "length":
		return rockstream.StopMaxTokens
	case "tool_calls", "function_call":
		return rockstream.StopToolUse
	case "content_filter":
		return rockstream.StopContentFiltered
	}
	return rockstream.StopEndTurn
}

// EncodeCompletion is the chat.completion body for a whole answer, the
// reply to stream:false.
func EncodeCompletion(resp *rockstream.Response, info ChunkInfo) []byte {
	msg := CompletionMessage{Role: "assistant"}
	var text, reasoning string
	var hasText bool
	for _, b := range resp.Message.Content {
		switch b.Type {
		case rockstream.BlockText:
			text, hasText = text+b.Text, true
		case rockstream.BlockThinking:
			reasoning += b.Text
		case rockstream.BlockToolUse:
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: b.ToolUseID, Type: "function",
				Function: FunctionCall{Name: b.Name, Arguments: args}})
		}
	}
	if hasText || len(msg.ToolCalls) == 0 {
		msg.Content = &text
	}
	msg.ReasoningContent = reasoning
	return mustMarshal(Completion{
		ID: info.ID, Object: "chat.completion", Created: info.Created, Model: info.Model,
		Choices: []CompletionChoice{{Message: msg, FinishReason: FinishReason(resp.StopReason)}},
		Usage:   toUsage(resp.Usage),
	})
}
