package bedrock

import (
	"context"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/family"
)

// invokeOp is a request prepared for InvokeModelWithResponseStream: the
// body in the family's format and the codec to decode its chunks.
type invokeOp struct {
	c     *Client
	model string
	codec dialect.Codec
	body  []byte
	// headers carry the guardrail, trace, latency, tier and metadata.
	headers http.Header
}

func (c *Client) prepareInvoke(req *rockstream.Request) (operation, error) {
	codec, body, headers, err := invokeBody(req)
	if err != nil {
		return nil, err
	}
	if c.direct != nil {
		op := c.prepareDirect(req.Model, codec, body)
		op.headers = headers
		return op, nil
	}
	return &invokeOp{c: c, model: req.Model, codec: codec, body: body, headers: headers}, nil
}

// invokeBody encodes req as its model family's InvokeModel body and the
// headers that carry the rest of what it asks for.
func invokeBody(req *rockstream.Request) (dialect.Codec, []byte, http.Header, error) {
	codec, err := family.ForModel(req.Model)
	if err != nil {
		return nil, nil, nil, err
	}
	body, headers, err := dialect.EncodeInvoke(codec, req)
	return codec, body, headers, err
}

// invokeInput is the SDK input for one attempt: the SDK writes its
// guardrail, trace, latency, tier and metadata members as the headers
// dialect.InvokeHeaders names.
func (op *invokeOp) invokeInput() *bedrockruntime.InvokeModelWithResponseStreamInput {
	in := &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId:     aws.String(op.model),
		Body:        op.body,
		ContentType: aws.String("application/json"),
		Accept:      aws.String("application/json"),
	}
	h := op.headers
	if v := h.Get(dialect.HeaderGuardrailIdentifier); v != "" {
		in.GuardrailIdentifier = aws.String(v)
	}
	if v := h.Get(dialect.HeaderGuardrailVersion); v != "" {
		in.GuardrailVersion = aws.String(v)
	}
	if v := h.Get(dialect.HeaderRequestMetadata); v != "" {
		in.RequestMetadata = aws.String(v)
	}
	in.Trace = types.Trace(h.Get(dialect.HeaderTrace))
	in.PerformanceConfigLatency = types.PerformanceConfigLatency(h.Get(dialect.HeaderLatency))
	in.ServiceTier = types.ServiceTierType(h.Get(dialect.HeaderServiceTier))
	return in
}

func (op *invokeOp) open(ctx context.Context) (upstream, string, error) {
	out, err := op.c.runtime.InvokeModelWithResponseStream(ctx, op.invokeInput(), ownProtocol)
	if err != nil {
		return nil, "", err
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	s := &invokeStream{
		es:      out.GetStream(),
		dec:     op.codec.NewStreamDecoder(),
		family:  op.codec.Name(),
		onChunk: op.c.opts.OnChunk,
	}
	return s, id, nil
}

// invokeStream decodes the chunk events of one response with the family's
// stream decoder.
type invokeStream struct {
	es      *bedrockruntime.InvokeModelWithResponseStreamEventStream
	dec     dialect.StreamDecoder
	family  string
	onChunk func([]byte)
}

func (s *invokeStream) next(ctx context.Context, dst []rockstream.Event) ([]rockstream.Event, error) {
	for {
		var ev types.ResponseStream
		var ok bool
		select {
		case <-ctx.Done():
			return dst, ctx.Err()
		case ev, ok = <-s.es.Events():
		}
		if !ok {
			if err := s.es.Err(); err != nil {
				return dst, err
			}
			if !s.dec.Done() {
				return dst, errEndedEarly
			}
			return dst, io.EOF
		}
		chunk, isChunk := ev.(*types.ResponseStreamMemberChunk)
		if !isChunk {
			continue // an event type newer than this SDK: skippable
		}
		if s.onChunk != nil {
			s.onChunk(chunk.Value.Bytes)
		}
		n := len(dst)
		dst, err := s.dec.Decode(dst, chunk.Value.Bytes)
		if err != nil {
			return dst, decodeFailure(s.family, err)
		}
		if len(dst) > n {
			return dst, nil
		}
	}
}

func (s *invokeStream) close() { s.es.Close() }
