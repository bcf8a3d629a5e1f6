package runtime

import (
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/converse"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// decodeConverse reads and validates a Converse body.
func (h *handler) decodeConverse(w http.ResponseWriter, r *http.Request) (*rockstream.Request, error) {
	modelID := r.PathValue("modelId")
	body, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	req, err := converse.DecodeRequest(modelID, body)
	if err != nil {
		return nil, err
	}
	req.Model = modelID
	return req, nil
}

// converse serves Converse: the whole answer as one JSON document.
func (h *handler) converse(w http.ResponseWriter, r *http.Request) {
	req, err := h.decodeConverse(w, r)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	resp, err := h.accumulate(r, req)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	body, err := converse.EncodeResponse(resp)
	if err != nil {
		wire.WriteError(w, internalError("encoding the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// converseStream serves ConverseStream: one event per member, bare JSON.
func (h *handler) converseStream(w http.ResponseWriter, r *http.Request) {
	req, err := h.decodeConverse(w, r)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	h.stream(w, r, req, wire.ConverseStream, &converseEncoder{enc: converse.NewStreamEncoder()}, nil)
}

// converseEncoder adapts the Converse encoder's frames, padding each
// payload with "p" as real events carry it.
type converseEncoder struct {
	enc    *converse.StreamEncoder
	frames []converse.Frame
}

func (c *converseEncoder) encode(dst []frame, ev rockstream.Event) ([]frame, error) {
	var err error
	if c.frames, err = c.enc.Encode(c.frames[:0], ev); err != nil {
		return dst, err
	}
	return c.out(dst), nil
}

func (c *converseEncoder) flush(dst []frame) ([]frame, error) {
	var err error
	if c.frames, err = c.enc.Flush(c.frames[:0]); err != nil {
		return dst, err
	}
	return c.out(dst), nil
}

func (c *converseEncoder) out(dst []frame) []frame {
	for _, f := range c.frames {
		dst = append(dst, frame{eventType: f.EventType, payload: wire.PadObject(f.Payload)})
	}
	return dst
}
