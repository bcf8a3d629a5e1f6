package bedrock

import (
	"context"
	"io"

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
}

func (c *Client) prepareInvoke(req *rockstream.Request) (operation, error) {
	codec, body, err := invokeBody(req)
	if err != nil {
		return nil, err
	}
	if c.direct != nil {
		return c.prepareDirect(req.Model, codec, body), nil
	}
	return &invokeOp{c: c, model: req.Model, codec: codec, body: body}, nil
}

// invokeBody encodes req as its model family's InvokeModel body.
func invokeBody(req *rockstream.Request) (dialect.Codec, []byte, error) {
	codec, err := family.ForModel(req.Model)
	if err != nil {
		return nil, nil, err
	}
	body, err := codec.EncodeRequest(req)
	return codec, body, err
}

func (op *invokeOp) open(ctx context.Context) (upstream, string, error) {
	out, err := op.c.runtime.InvokeModelWithResponseStream(ctx, &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId:     aws.String(op.model),
		Body:        op.body,
		ContentType: aws.String("application/json"),
		Accept:      aws.String("application/json"),
	}, ownProtocol)
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
