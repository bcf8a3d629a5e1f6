package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rockstream/rockstream/server/internal/wire"
)

// withRequestID gives every request an ID, carried in its context and in
// the x-amzn-RequestId response header.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = wire.EnsureRequestID(w, r)
		next.ServeHTTP(w, r)
	})
}

// logRequests logs one line per request when it ends, aborted ones
// included.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		aborted := true
		defer func() {
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.EscapedPath()),
				slog.Int("status", rec.status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("proto", r.Proto),
				slog.String("request_id", wire.RequestIDFrom(r.Context())),
			}
			if id := modelOf(r); id != "" {
				attrs = append(attrs, slog.String("model", id))
			}
			level := slog.LevelInfo
			if aborted {
				attrs = append(attrs, slog.Bool("aborted", true))
				level = slog.LevelWarn
			}
			log.LogAttrs(r.Context(), level, "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
		aborted = false
	})
}

// recorder notes the status and size of a response. It unwraps, so
// http.ResponseController still reaches Flush and SetWriteDeadline.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// modelOf is the model ID of a /model/{modelId}/… request, decoded once
// from the escaped path as the runtime's routes decode it.
func modelOf(r *http.Request) string {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/model/")
	if !ok {
		return ""
	}
	seg, _, _ := strings.Cut(rest, "/")
	id, err := url.PathUnescape(seg)
	if err != nil {
		return seg
	}
	return id
}
