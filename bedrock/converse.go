package bedrock

import (
	"context"
	"errors"
	"io"
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/converse"
)

// converseOp is a request prepared for ConverseStream.
type converseOp struct {
	c     *Client
	input *bedrockruntime.ConverseStreamInput
}

func (c *Client) prepareConverse(req *rockstream.Request) (operation, error) {
	in, err := converse.ToStreamInput(req)
	if err != nil {
		return nil, validation(err)
	}
	return &converseOp{c: c, input: in}, nil
}

// validation is err as a validation error: a *rockstream.Error (a refusal
// naming a field) as it is, anything else wrapped.
func validation(err error) error {
	var e *rockstream.Error
	if errors.As(err, &e) {
		return e
	}
	return &rockstream.Error{Class: rockstream.ClassValidation, Code: "ValidationException", StatusCode: http.StatusBadRequest, Message: err.Error(), Err: err}
}

func (op *converseOp) open(ctx context.Context) (upstream, string, error) {
	out, err := op.c.runtime.ConverseStream(ctx, op.input, ownProtocol)
	if err != nil {
		return nil, "", err
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return &converseStream{es: out.GetStream(), dec: converse.NewSDKDecoder()}, id, nil
}

// converseStream decodes the SDK's ConverseStream events.
type converseStream struct {
	es  *bedrockruntime.ConverseStreamEventStream
	dec *converse.SDKDecoder
}

func (s *converseStream) next(ctx context.Context, dst []rockstream.Event) ([]rockstream.Event, error) {
	for {
		var ev types.ConverseStreamOutput
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
		n := len(dst)
		dst, err := s.dec.Decode(dst, ev)
		if err != nil {
			return dst, decodeFailure("ConverseStream", err)
		}
		if len(dst) > n {
			return dst, nil
		}
	}
}

func (s *converseStream) close() { s.es.Close() }
