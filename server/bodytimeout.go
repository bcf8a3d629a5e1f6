package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/rockstream/rockstream"
)

// DefaultBodyTimeout bounds how long a request body may take to arrive.
const DefaultBodyTimeout = 30 * time.Second

// BodyTimeoutError is the failure of a request body that did not arrive in
// time: a 408 that each surface answers in its own shape.
func BodyTimeoutError(limit time.Duration) *rockstream.Error {
	return &rockstream.Error{
		Class: rockstream.ClassValidation, Code: "ValidationException", StatusCode: http.StatusRequestTimeout,
		Message: "The request body did not arrive within " + limit.String() + "; send it whole, without pauses.",
		Err:     os.ErrDeadlineExceeded,
	}
}

// withBodyTimeout gives a request's body limit to arrive, counted from its
// headers. Only reading is bounded, and only until the body's end: the
// response, a stream of any length, is not. A body that runs late reads as
// BodyTimeoutError.
func withBodyTimeout(limit time.Duration, next http.Handler) http.Handler {
	if limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(limit)); err != nil {
			next.ServeHTTP(w, r) // a writer without deadlines: nothing to bound with
			return
		}
		r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, limit: limit}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline at the body's end, so nothing read
// later on the connection is bound by it, and turns the deadline's error
// into BodyTimeoutError.
type deadlineBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	limit time.Duration
	ended bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.ended:
		b.ended = true
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		err = BodyTimeoutError(b.limit)
	}
	return n, err
}
