package gateway

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/internal/sse"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// dialect is one API's wire shapes: errors, stream events, keepalives.
type dialect interface {
	name() string
	errorResponse(e *rockstream.Error) (status int, body []byte)
	// inBandItem is the event that reports e inside a stream.
	inBandItem(e *rockstream.Error) relay.Item
	// unit is the event that relays one unit of an upstream answer in
	// this dialect as it came.
	unit(dst []relay.Item, raw []byte) []relay.Item
	// keepalive sends what a silent stream sends.
	keepalive(w *sse.Writer) error
}

type openaiDialect struct{}

func (openaiDialect) name() string { return "openai" }
func (openaiDialect) errorResponse(e *rockstream.Error) (int, []byte) {
	return openai.ErrorResponse(e)
}
func (openaiDialect) inBandItem(e *rockstream.Error) relay.Item {
	return relay.Item{Data: openai.ErrorChunk(wire.Public(e, ""))}
}
func (openaiDialect) keepalive(w *sse.Writer) error { return w.Comment("ping") }

// unit relays an upstream chunk's data as it came.
func (openaiDialect) unit(dst []relay.Item, raw []byte) []relay.Item {
	return append(dst, relay.Item{Data: raw})
}

type openaiEncoder struct{ enc *openai.StreamEncoder }

func newOpenAIEncoder(streamID, model string, includeUsage bool) *openaiEncoder {
	return &openaiEncoder{enc: openai.NewStreamEncoder(openai.ChunkInfo{
		ID: "chatcmpl-" + streamID, Model: model, Created: time.Now().Unix(), IncludeUsage: includeUsage})}
}

var _ relay.Encoder = (*openaiEncoder)(nil)

func (e *openaiEncoder) Encode(dst []relay.Item, ev rockstream.Event) ([]relay.Item, error) {
	return dataItems(dst, e.enc.Encode(nil, ev)), nil
}

func (e *openaiEncoder) End(dst []relay.Item) ([]relay.Item, error) {
	return append(dataItems(dst, e.enc.Close(nil)), relay.Item{Data: []byte("[DONE]")}), nil
}

func (e *openaiEncoder) Fail(dst []relay.Item, err *rockstream.Error) []relay.Item {
	return dataItems(dst, e.enc.Fail(nil, wire.Public(err, "")))
}

func dataItems(dst []relay.Item, chunks [][]byte) []relay.Item {
	for _, c := range chunks {
		dst = append(dst, relay.Item{Data: c})
	}
	return dst
}

type anthropicDialect struct{}

func (anthropicDialect) name() string { return "anthropic" }
func (anthropicDialect) errorResponse(e *rockstream.Error) (int, []byte) {
	return anthropic.ErrorResponse(e)
}
func (anthropicDialect) inBandItem(e *rockstream.Error) relay.Item {
	ev := anthropic.ErrorEvent(wire.Public(e, ""))
	return relay.Item{Name: ev.Name, Data: ev.Data}
}

// unit relays a Messages stream chunk (Bedrock's Anthropic chunk JSON is
// the stream's event data) as it came, named by its type.
func (anthropicDialect) unit(dst []relay.Item, raw []byte) []relay.Item {
	return append(dst, relay.Item{Name: chunkType(raw), Data: raw})
}

// chunkType is a Messages stream chunk's "type". Bedrock writes it first,
// so it is read from the prefix without parsing the rest of the chunk on
// every relayed token; any other layout is parsed whole.
func chunkType(raw []byte) string {
	const prefix = `{"type":"`
	if rest, ok := bytes.CutPrefix(raw, []byte(prefix)); ok {
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			return string(rest[:end])
		}
	}
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.Type
}

func (anthropicDialect) keepalive(w *sse.Writer) error {
	return w.Write(sse.Event{Name: "ping", Data: []byte(`{"type": "ping"}`)})
}

type anthropicEncoder struct{ enc *anthropic.SSEEncoder }

var _ relay.Encoder = (*anthropicEncoder)(nil)

func (e *anthropicEncoder) Encode(dst []relay.Item, ev rockstream.Event) ([]relay.Item, error) {
	out, err := e.enc.Encode(ev)
	return namedItems(dst, out), err
}

func (e *anthropicEncoder) End(dst []relay.Item) ([]relay.Item, error) {
	out, err := e.enc.Flush()
	return namedItems(dst, out), err
}

func (e *anthropicEncoder) Fail(dst []relay.Item, err *rockstream.Error) []relay.Item {
	return append(dst, anthropicDialect{}.inBandItem(err))
}

func namedItems(dst []relay.Item, in []anthropic.SSEEvent) []relay.Item {
	for _, ev := range in {
		dst = append(dst, relay.Item{Name: ev.Name, Data: ev.Data})
	}
	return dst
}
