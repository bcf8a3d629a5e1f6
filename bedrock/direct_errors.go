package bedrock

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/restjson1"

	"github.com/rockstream/rockstream/internal/eventframe"
)

// The direct transport leaves errors to the SDK's own deserializers: they
// are off the per-frame path, and sharing them keeps the two transports'
// errors identical down to the SDK types in their chains.

var invokeStreamSchema = smithy.NewOperationSchema(schemas.InvokeModelWithResponseStream,
	schemas.InvokeModelWithResponseStreamRequest, schemas.InvokeModelWithResponseStreamResponse)

// responseError deserializes a non-2xx answer as the SDK does (the
// x-amzn-ErrorType header, else the body's __type or code, to a modeled
// exception or a generic API error) and wraps it as the SDK's stack does,
// so classify sees the same chain whichever transport ran.
func responseError(ctx context.Context, resp *http.Response, requestID string) error {
	sresp := &smithyhttp.Response{Response: resp}
	err := restjson1.New(schemas.AmazonBedrockFrontendService).DeserializeResponse(ctx, invokeStreamSchema,
		bedrockruntime.TypeRegistry, sresp, &bedrockruntime.InvokeModelWithResponseStreamOutput{})
	return &smithy.OperationError{
		ServiceID:     bedrockruntime.ServiceID,
		OperationName: "InvokeModelWithResponseStream",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: sresp, Err: err},
			RequestID:     requestID,
		},
	}
}

// streamException turns an exception or error message into the SDK's
// error for it (a modeled exception such as *types.ThrottlingException, or
// a generic API error with the :error-code), by re-encoding the message
// for the SDK's event-stream deserializer. A protocol per call: its codec
// keeps state.
func streamException(m *eventframe.Message) error {
	var msg eventstream.Message
	for _, h := range m.Headers {
		if v := headerValue(h); v != nil {
			msg.Headers.Set(string(h.Name), v)
		}
	}
	msg.Payload = m.Payload
	var buf bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&buf, msg); err != nil {
		return err
	}
	_, err := restjson1.New(schemas.AmazonBedrockFrontendService).DeserializeEventMessage(
		schemas.ResponseStream, bedrockruntime.TypeRegistry, &buf)
	return err
}

// headerValue converts a header to the SDK's value type.
func headerValue(h eventframe.Header) eventstream.Value {
	v := h.Value
	switch h.Type {
	case 0:
		return eventstream.BoolValue(true)
	case 1:
		return eventstream.BoolValue(false)
	case 2:
		return eventstream.Int8Value(int8(v[0]))
	case 3:
		return eventstream.Int16Value(int16(binary.BigEndian.Uint16(v)))
	case 4:
		return eventstream.Int32Value(int32(binary.BigEndian.Uint32(v)))
	case 5:
		return eventstream.Int64Value(int64(binary.BigEndian.Uint64(v)))
	case 6:
		return eventstream.BytesValue(bytes.Clone(v))
	case 7:
		return eventstream.StringValue(string(v))
	case 8:
		return eventstream.TimestampValue(time.UnixMilli(int64(binary.BigEndian.Uint64(v))))
	case 9:
		var u eventstream.UUIDValue
		copy(u[:], v)
		return u
	}
	return nil
}
