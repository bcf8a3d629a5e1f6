package override

import (
	"errors"
	"net/http"

	"github.com/rockstream/rockstream"
)

// AsError classifies an error of ParseHeaders or Trust.Check so that each
// frontend can answer it in its own dialect: a malformed header is a
// validation error (400), a refused test header is access denied (403).
func AsError(err error) *rockstream.Error {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return &rockstream.Error{Class: rockstream.ClassAccessDenied, StatusCode: http.StatusForbidden,
			Message: refused.Error(), Err: err}
	}
	e := rockstream.Validationf("%v", err)
	e.Err = err
	return e
}
