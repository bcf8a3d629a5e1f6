package rockstream

import (
	"context"
	"errors"
	"iter"
)

// Backend is where tokens come from: the builtin model, Bedrock, an
// OpenAI-compatible server, or a recording.
//
// Stream starts generating an answer to req. The sequence yields events in
// order; an error is yielded alone and ends it. A failure before the first
// event is a pre-stream failure: frontends turn it into an HTTP status.
// Breaking out of the loop, or cancelling ctx, stops the upstream request
// and frees everything the stream holds. A sequence that ends without an
// error has delivered MessageStop (and, where known, Metadata).
type Backend interface {
	Stream(ctx context.Context, req *Request) iter.Seq2[Event, error]
}

// TokenCounter is a Backend that can tell how many input tokens a request
// would be charged for without running it. The local runtime serves
// Bedrock's CountTokens with it; a backend that is not one answers that
// operation with a validation error.
type TokenCounter interface {
	CountTokens(ctx context.Context, req *Request) (int, error)
}

// CountTokens asks b to count req's input tokens, and fails with a
// validation error when b is not a TokenCounter. Backends that wrap
// another pass counting on with it.
func CountTokens(ctx context.Context, b Backend, req *Request) (int, error) {
	tc, ok := b.(TokenCounter)
	if !ok {
		return 0, Validationf("The provided model doesn't support counting tokens on this backend.")
	}
	return tc.CountTokens(ctx, req)
}

// ErrIncomplete is the cause when a stream ends before the model's final
// event: a cut connection is never a clean end.
var ErrIncomplete = errors.New("rockstream: stream ended before the model's final event")
