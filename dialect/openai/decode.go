package openai

import (
	"encoding/json"
	"net/http"

	"github.com/rockstream/rockstream"
)

// ChunkDecoder turns the chunks of an OpenAI-compatible stream into neutral
// events: MessageStart on the first chunk, one block per run of text,
// reasoning or tool call, MessageStop on finish_reason and Metadata on
// usage. It is stateful: one per stream. The "[DONE]" sentinel is the
// transport's business; pass only chunk JSON.
type ChunkDecoder struct {
	started  bool
	blocks   int         // next neutral block index
	cur      openBlock   // the block deltas go to
	calls    map[int]int // tool call index → neutral block index
	finished bool
	usage    *Usage
	metaSent bool
}

type openBlock struct {
	kind  rockstream.BlockType // "" when none is open
	index int
}

// NewChunkDecoder returns a decoder for one stream.
func NewChunkDecoder() *ChunkDecoder { return &ChunkDecoder{calls: map[int]int{}} }

// Done reports whether finish_reason has arrived: a stream that ends
// before it is incomplete.
func (d *ChunkDecoder) Done() bool { return d.finished }

// Decode appends the events chunk carries to dst. An error chunk
// ({"error":{…}}) becomes an in-stream *rockstream.Error.
func (d *ChunkDecoder) Decode(dst []rockstream.Event, chunk []byte) ([]rockstream.Event, error) {
	var c Chunk
	if err := json.Unmarshal(chunk, &c); err != nil {
		return dst, &rockstream.Error{Class: rockstream.ClassProtocol, StatusCode: http.StatusBadGateway,
			Message: "openai: malformed chunk: " + err.Error(), InStream: true, Err: err}
	}
	if c.Error != nil {
		e := ErrorFromObject(*c.Error, 0)
		e.InStream = true
		return dst, e
	}
	if !d.started {
		d.started = true
		dst = append(dst, rockstream.MessageStart{ID: c.ID, Model: c.Model})
	}
	for _, ch := range c.Choices {
		if ch.Index != 0 || d.finished {
			continue // rockstream asks for one choice; nothing follows the finish
		}
		dst = d.delta(dst, ch.Delta)
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			dst = d.close(dst)
			dst = append(dst, rockstream.MessageStop{StopReason: StopReasonOf(*ch.FinishReason)})
			d.finished = true
		}
	}
	if c.Usage != nil {
		d.usage = c.Usage
	}
	if d.finished && d.usage != nil && !d.metaSent {
		dst = d.Flush(dst)
	}
	return dst, nil
}

// Flush appends Metadata with the usage seen, if it was not sent yet: for
// a server that reports usage before finish_reason. Call it at the end of
// the stream; a server that never reports usage gets no Metadata.
func (d *ChunkDecoder) Flush(dst []rockstream.Event) []rockstream.Event {
	if d.metaSent || !d.finished || d.usage == nil {
		return dst
	}
	d.metaSent = true
	u := rockstream.Usage{InputTokens: d.usage.PromptTokens, OutputTokens: d.usage.CompletionTokens}
	if det := d.usage.PromptTokensDetails; det != nil {
		u.CacheReadInputTokens = det.CachedTokens
		u.InputTokens -= det.CachedTokens
	}
	return append(dst, rockstream.Metadata{Usage: u})
}

func (d *ChunkDecoder) delta(dst []rockstream.Event, delta Delta) []rockstream.Event {
	if r := delta.ReasoningContent; r != nil && *r != "" {
		dst = d.open(dst, rockstream.BlockThinking, "", "")
		dst = append(dst, rockstream.ReasoningDelta{Index: d.cur.index, Text: *r})
	}
	if t := delta.Content; t != nil && *t != "" {
		dst = d.open(dst, rockstream.BlockText, "", "")
		dst = append(dst, rockstream.TextDelta{Index: d.cur.index, Text: *t})
	}
	for _, tc := range delta.ToolCalls {
		var name, args string
		if tc.Function != nil {
			name, args = tc.Function.Name, tc.Function.Arguments
		}
		idx, seen := d.calls[tc.Index]
		if !seen {
			dst = d.open(dst, rockstream.BlockToolUse, tc.ID, name)
			idx = d.cur.index
			d.calls[tc.Index] = idx
		}
		if args != "" {
			dst = append(dst, rockstream.ToolInputDelta{Index: idx, PartialJSON: args})
		}
	}
	return dst
}

// open makes a block of kind current, closing the one before.
func (d *ChunkDecoder) open(dst []rockstream.Event, kind rockstream.BlockType, id, name string) []rockstream.Event {
	if d.cur.kind == kind && kind != rockstream.BlockToolUse {
		return dst
	}
	dst = d.close(dst)
	d.cur = openBlock{kind: kind, index: d.blocks}
	d.blocks++
	return append(dst, rockstream.BlockStart{Index: d.cur.index, Type: kind, ToolUseID: id, Name: name})
}

func (d *ChunkDecoder) close(dst []rockstream.Event) []rockstream.Event {
	if d.cur.kind == "" {
		return dst
	}
	dst = append(dst, rockstream.BlockStop{Index: d.cur.index})
	d.cur = openBlock{}
	return dst
}

// ErrorFromObject classifies an OpenAI error object; status is the HTTP
// status it came with, zero for an in-band error.
func ErrorFromObject(o ErrorObject, status int) *rockstream.Error {
	var code string
	if o.Code != nil {
		code = *o.Code
	}
	class := rockstream.ClassUnknown
	switch {
	case code == "model_not_found" || status == http.StatusNotFound:
		class = rockstream.ClassNotFound
	case o.Type == "insufficient_quota" || code == "insufficient_quota":
		class = rockstream.ClassQuota
	case o.Type == "rate_limit_error" || code == "rate_limit_exceeded" || o.Type == "requests" || o.Type == "tokens" || status == http.StatusTooManyRequests:
		class = rockstream.ClassThrottling
	case o.Type == "authentication_error" || status == http.StatusUnauthorized:
		class = rockstream.ClassAuth
	case o.Type == "permission_error" || status == http.StatusForbidden:
		class = rockstream.ClassAccessDenied
	case o.Type == "invalid_request_error" || status == http.StatusBadRequest:
		class = rockstream.ClassValidation
	case code == "overloaded" || status == http.StatusServiceUnavailable:
		class = rockstream.ClassUnavailable
	case code == "timeout" || status == http.StatusRequestTimeout:
		class = rockstream.ClassTimeout
	case o.Type == "server_error" || status >= 500:
		class = rockstream.ClassInternal
	}
	if status == 0 {
		status = rockstream.ClassStatus(class)
	}
	retryable := class == rockstream.ClassThrottling || class == rockstream.ClassUnavailable ||
		class == rockstream.ClassInternal || class == rockstream.ClassTimeout
	return &rockstream.Error{Class: class, Code: code, Message: o.Message, StatusCode: status, Retryable: retryable}
}
