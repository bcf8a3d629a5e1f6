package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/internal/eventframe"
	"github.com/rockstream/rockstream/server/internal/wire"
	"github.com/rockstream/rockstream/server/relay"
)

// decodeInvoke reads and decodes an InvokeModel body with the model's
// family codec.
func (h *handler) decodeInvoke(w http.ResponseWriter, r *http.Request) (dialect.Codec, *rockstream.Request, error) {
	modelID := r.PathValue("modelId")
	body, err := h.readBody(w, r)
	if err != nil {
		return nil, nil, err
	}
	return h.invokeBody(modelID, body, r.Header)
}

// invokeBody decodes an InvokeModel body for modelID with its family codec,
// with what the X-Amzn-Bedrock-* headers and the body's guardrail key ask.
func (h *handler) invokeBody(modelID string, body []byte, hd http.Header) (dialect.Codec, *rockstream.Request, error) {
	codec, err := h.codec(modelID, body)
	if err != nil {
		return nil, nil, err
	}
	req, err := dialect.DecodeInvoke(codec, modelID, body, hd)
	if err != nil {
		return nil, nil, err
	}
	req.Model = modelID
	return codec, req, nil
}

// invokeStream serves InvokeModelWithResponseStream: each model chunk in a
// "chunk" event, base64 inside {"bytes":…}.
func (h *handler) invokeStream(w http.ResponseWriter, r *http.Request) {
	body, err := h.readBody(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	codec, req, err := h.invokeBody(r.PathValue("modelId"), body, r.Header)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req.Wire = callerWire(rockstream.WireInvokeStream, body, r.Header)
	var cf chunkFrames
	enc := &framing[[]byte]{enc: guardedChunks{codec.NewStreamEncoder()}, out: cf.frames, kind: wire.InvokeStream}
	h.stream(w, r, req, wire.InvokeStream, enc, func(hd http.Header) {
		hd.Set("X-Amzn-Bedrock-Content-Type", "application/json")
	})
}

// chunkFrames puts each chunk of a family's model JSON into a chunk event.
// The frames' payloads share one buffer, valid until the next call.
type chunkFrames struct {
	payloads []byte
	ends     []int
}

func (c *chunkFrames) frames(dst []relay.Item, chunks [][]byte) []relay.Item {
	c.payloads, c.ends = c.payloads[:0], c.ends[:0]
	for _, chunk := range chunks {
		c.payloads = eventframe.AppendChunkPayload(c.payloads, chunk, eventframe.Padding())
		c.ends = append(c.ends, len(c.payloads))
	}
	start := 0
	for _, end := range c.ends {
		dst = append(dst, relay.Item{Name: "chunk", Data: c.payloads[start:end:end]})
		start = end
	}
	return dst
}

// invoke serves InvokeModel: the whole answer in the family's response
// body, with Bedrock's latency and token-count headers.
func (h *handler) invoke(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	codec, req, err := h.decodeInvoke(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp, err := h.accumulate(r, req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := codec.EncodeResponse(resp)
	if err != nil {
		h.fail(w, r, internalError(fmt.Errorf("encoding the response: %w", err)))
		return
	}
	body = dialect.AddInvokeGuardrail(body, resp.Guardrail)
	latency := resp.Metrics.InvocationLatency
	if latency <= 0 {
		latency = time.Since(start)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("X-Amzn-Bedrock-Invocation-Latency", strconv.FormatInt(latency.Milliseconds(), 10))
	hd.Set("X-Amzn-Bedrock-Input-Token-Count", strconv.Itoa(resp.Usage.InputTokens))
	hd.Set("X-Amzn-Bedrock-Output-Token-Count", strconv.Itoa(resp.Usage.OutputTokens))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// accumulate runs req to the end and folds its events into one response.
// A backend that asks for an abort gets the connection dropped.
func (h *handler) accumulate(r *http.Request, req *rockstream.Request) (*rockstream.Response, error) {
	resp, err := collectResponse(r.Context(), h.backend, req)
	if errors.Is(err, rockstream.ErrAbort) {
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		return nil, err
	}
	resp.RequestID = wire.RequestIDFrom(r.Context())
	return resp, nil
}

// collectResponse runs req on b to the end and folds its events.
func collectResponse(ctx context.Context, b rockstream.Backend, req *rockstream.Request) (*rockstream.Response, error) {
	var acc rockstream.Accumulator
	for ev, err := range b.Stream(ctx, req) {
		if err != nil {
			return nil, err
		}
		if err := acc.Add(ev); err != nil {
			return nil, internalError(err)
		}
	}
	if !acc.Done() {
		return nil, &rockstream.Error{Class: rockstream.ClassInternal, Code: "InternalServerException", StatusCode: http.StatusInternalServerError,
			Message: "The model's answer ended before its final event.", Err: rockstream.ErrIncomplete}
	}
	resp := acc.Response()
	return &resp, nil
}

// guardedChunks adds a guardrail's result to the final chunk of an
// InvokeModelWithResponseStream answer (the one with the invocation
// metrics), whatever the family.
type guardedChunks struct {
	dialect.StreamEncoder
}

func (g guardedChunks) Encode(dst [][]byte, ev rockstream.Event) ([][]byte, error) {
	n := len(dst)
	dst, err := g.StreamEncoder.Encode(dst, ev)
	if md, ok := ev.(rockstream.Metadata); ok && err == nil && md.Guardrail != nil && len(dst) > n {
		dst[len(dst)-1] = dialect.AddInvokeGuardrail(dst[len(dst)-1], md.Guardrail)
	}
	return dst, err
}
