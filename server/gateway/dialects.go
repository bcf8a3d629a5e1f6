package gateway

import (
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/internal/sse"
)

// dialect is one API's wire shapes: errors, stream events, keepalives.
type dialect interface {
	name() string
	errorResponse(e *rockstream.Error) (status int, body []byte)
	// inBandError is the event that reports e inside a stream.
	inBandError(e *rockstream.Error) sse.Event
	// keepalive sends what a silent stream sends.
	keepalive(w *sse.Writer) error
}

// encoder turns one stream's neutral events into the dialect's events.
type encoder interface {
	encode(ev rockstream.Event) ([]sse.Event, error)
	// end is what follows a clean end of the backend's stream.
	end() ([]sse.Event, error)
	// fail is the in-band error for a stream that already began.
	fail(e *rockstream.Error) []sse.Event
}

type openaiDialect struct{}

func (openaiDialect) name() string { return "openai" }
func (openaiDialect) errorResponse(e *rockstream.Error) (int, []byte) {
	return openai.ErrorResponse(e)
}
func (openaiDialect) inBandError(e *rockstream.Error) sse.Event {
	return sse.Event{Data: openai.ErrorChunk(e)}
}
func (openaiDialect) keepalive(w *sse.Writer) error { return w.Comment("ping") }

type openaiEncoder struct{ enc *openai.StreamEncoder }

func newOpenAIEncoder(streamID, model string, includeUsage bool) *openaiEncoder {
	return &openaiEncoder{enc: openai.NewStreamEncoder(openai.ChunkInfo{
		ID: "chatcmpl-" + streamID, Model: model, Created: time.Now().Unix(), IncludeUsage: includeUsage})}
}

func (e *openaiEncoder) encode(ev rockstream.Event) ([]sse.Event, error) {
	return dataEvents(e.enc.Encode(nil, ev)), nil
}

func (e *openaiEncoder) end() ([]sse.Event, error) {
	return append(dataEvents(e.enc.Close(nil)), sse.Event{Data: []byte("[DONE]")}), nil
}

func (e *openaiEncoder) fail(err *rockstream.Error) []sse.Event {
	return dataEvents(e.enc.Fail(nil, err))
}

func dataEvents(chunks [][]byte) []sse.Event {
	evs := make([]sse.Event, len(chunks))
	for i, c := range chunks {
		evs[i] = sse.Event{Data: c}
	}
	return evs
}

type anthropicDialect struct{}

func (anthropicDialect) name() string { return "anthropic" }
func (anthropicDialect) errorResponse(e *rockstream.Error) (int, []byte) {
	return anthropic.ErrorResponse(e)
}
func (anthropicDialect) inBandError(e *rockstream.Error) sse.Event {
	ev := anthropic.ErrorEvent(e)
	return sse.Event{Name: ev.Name, Data: ev.Data}
}
func (anthropicDialect) keepalive(w *sse.Writer) error {
	return w.Write(sse.Event{Name: "ping", Data: []byte(`{"type": "ping"}`)})
}

type anthropicEncoder struct{ enc *anthropic.SSEEncoder }

func (e *anthropicEncoder) encode(ev rockstream.Event) ([]sse.Event, error) {
	out, err := e.enc.Encode(ev)
	return namedEvents(out), err
}

func (e *anthropicEncoder) end() ([]sse.Event, error) {
	out, err := e.enc.Flush()
	return namedEvents(out), err
}

func (e *anthropicEncoder) fail(err *rockstream.Error) []sse.Event {
	return []sse.Event{anthropicDialect{}.inBandError(err)}
}

func namedEvents(in []anthropic.SSEEvent) []sse.Event {
	out := make([]sse.Event, len(in))
	for i, ev := range in {
		out[i] = sse.Event{Name: ev.Name, Data: ev.Data}
	}
	return out
}
