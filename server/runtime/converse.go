package runtime

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/converse"
	"github.com/rockstream/rockstream/internal/eventframe"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// decodeConverse reads and validates a Converse body.
func (h *handler) decodeConverse(w http.ResponseWriter, r *http.Request) (*rockstream.Request, error) {
	modelID := r.PathValue("modelId")
	body, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	return decodeConverseBody(modelID, body)
}

// decodeConverseBody decodes a Converse body (or its conversation part) for
// modelID.
func decodeConverseBody(modelID string, body []byte) (*rockstream.Request, error) {
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
		h.fail(w, r, err)
		return
	}
	resp, err := h.accumulate(r, req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := converse.EncodeResponse(resp)
	if err != nil {
		h.fail(w, r, internalError(fmt.Errorf("encoding the response: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// converseStream serves ConverseStream: one event per member, bare JSON.
func (h *handler) converseStream(w http.ResponseWriter, r *http.Request) {
	body, err := h.readBody(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := decodeConverseBody(r.PathValue("modelId"), body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req.Wire = callerWire(rockstream.WireConverseStream, body, r.Header)
	h.stream(w, r, req, wire.ConverseStream, &framing[converse.Frame]{enc: converse.NewStreamEncoder(), out: converseFrames, kind: wire.ConverseStream}, nil)
}

// converseFrames pads each Converse event's payload with "p", as real
// events carry it.
func converseFrames(dst []relay.Item, events []converse.Frame) []relay.Item {
	for _, f := range events {
		dst = append(dst, relay.Item{Name: f.EventType, Data: eventframe.PadObject(f.Payload, eventframe.Padding())})
	}
	return dst
}
