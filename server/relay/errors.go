package relay

import (
	"fmt"
	"net/http"

	"github.com/rockstream/rockstream"
)

func internal(format string, args ...any) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassInternal, Code: "InternalServerException", StatusCode: http.StatusInternalServerError,
		Message: fmt.Sprintf(format, args...)}
}

// incomplete is a backend stream that ended before its final event.
func incomplete() *rockstream.Error {
	e := internal("The model's answer ended before its final event.")
	e.Err = rockstream.ErrIncomplete
	return e
}
