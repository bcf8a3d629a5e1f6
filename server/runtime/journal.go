package runtime

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/override"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// Bounds of the request journal.
const (
	// DefaultJournalEntries is how many requests the journal keeps; older
	// ones are dropped first.
	DefaultJournalEntries = 200
	// JournalBodyBytes is how much of each body the journal keeps.
	JournalBodyBytes = 64 << 10
)

// journalEntry is one request the runtime received, as
// GET /_rockstream/requests lists it.
type journalEntry struct {
	Time      string              `json:"time"`
	Operation string              `json:"operation"`
	Method    string              `json:"method"`
	Path      string              `json:"path"`
	ModelID   string              `json:"modelId,omitempty"`
	Headers   map[string][]string `json:"headers"`
	// Body is the body as JSON when it is JSON (and whole), else
	// BodyText holds it as text.
	Body          json.RawMessage `json:"body,omitempty"`
	BodyText      string          `json:"bodyText,omitempty"`
	BodyBytes     int             `json:"bodyBytes"`
	BodyTruncated bool            `json:"bodyTruncated,omitempty"`
}

// journal keeps the latest requests, newest last, so a test can assert
// what its app sent. It is safe for concurrent use.
type journal struct {
	mu      sync.Mutex
	entries []journalEntry
	max     int
	keys    []string
}

// meaningful reports whether a header says something about the request
// a test may assert on; credentials and transport details are left out.
func meaningful(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "x-amzn-bedrock-") || strings.HasPrefix(n, "x-rockstream-") ||
		n == "content-type" || n == "accept" || n == "anthropic-beta"
}

// record wraps a route: the request's body is read (within maxBody) and
// noted before the handler runs, so a test sees a stream's request while
// the stream is still going.
func (j *journal) record(operation string, maxBody int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			var err error
			body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
			var rest io.Reader = r.Body
			if err != nil {
				// The operation reads the same failure and answers it in
				// its own terms (a late body's 408, strict auth's 403).
				rest = failingReader{err}
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), rest))
		}
		e := journalEntry{Time: time.Now().UTC().Format(time.RFC3339Nano), Operation: operation, Method: r.Method,
			Path: r.URL.EscapedPath(), ModelID: r.PathValue("modelId"), Headers: map[string][]string{}, BodyBytes: len(body)}
		for k, v := range r.Header {
			if meaningful(k) {
				e.Headers[k] = v
			}
		}
		kept := body
		if len(kept) > JournalBodyBytes {
			kept, e.BodyTruncated = kept[:JournalBodyBytes], true
		}
		if !e.BodyTruncated && json.Valid(kept) {
			e.Body = bytes.Clone(kept)
		} else if len(kept) > 0 {
			e.BodyText = string(kept)
		}
		j.add(e)
		next(w, r)
	}
}

func (j *journal) add(e journalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) >= j.max {
		n := copy(j.entries, j.entries[len(j.entries)-j.max+1:])
		j.entries = j.entries[:n]
	}
	j.entries = append(j.entries, e)
}

// allowed reports whether r may read or clear the journal: a loopback
// client, or a caller whose verified key is one of the journal's keys.
func (j *journal) allowed(r *http.Request) bool {
	if override.IsLoopback(r.RemoteAddr) {
		return true
	}
	id, ok := auth.IdentityFrom(r.Context())
	if !ok || id.Key == "" {
		return false
	}
	match := 0
	for _, k := range j.keys {
		match |= subtle.ConstantTimeCompare([]byte(k), []byte(id.Key))
	}
	return match == 1
}

func denied() error {
	return &rockstream.Error{Class: rockstream.ClassAccessDenied, StatusCode: http.StatusForbidden,
		Message: "The request journal is served to loopback clients and to the keys of --test-header-keys only."}
}

// list serves GET /_rockstream/requests: {"requests": [...]}, newest last.
func (j *journal) list(w http.ResponseWriter, r *http.Request) {
	if !j.allowed(r) {
		wire.WriteError(w, denied())
		return
	}
	j.mu.Lock()
	out := struct {
		Requests []journalEntry `json:"requests"`
	}{Requests: append([]journalEntry{}, j.entries...)}
	j.mu.Unlock()
	writeJSON(w, out)
}

// clear serves DELETE /_rockstream/requests.
func (j *journal) clear(w http.ResponseWriter, r *http.Request) {
	if !j.allowed(r) {
		wire.WriteError(w, denied())
		return
	}
	j.mu.Lock()
	j.entries = nil
	j.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
