package gateway

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
	"github.com/rockstream/rockstream/server/relay"
)

// sseSink is the relay's sink for one SSE response in dialect d: it
// numbers events (the IDs a reader resumes from), answers failures before
// the first byte with d's error response, and sends d's keepalive.
type sseSink struct {
	w       http.ResponseWriter
	sw      *sse.Writer
	d       dialect
	lastSeq int64
	evs     []sse.Event
}

var _ relay.Sink = (*sseSink)(nil)

func newSSESink(w http.ResponseWriter, d dialect, writeTimeout time.Duration, streamID string) *sseSink {
	sw := sse.NewWriter(w, writeTimeout)
	sw.Header().Set(HeaderStreamID, streamID)
	return &sseSink{w: w, sw: sw, d: d}
}

// Write sends the items with one flush, numbering those without an ID;
// without flush they wait (copied) to leave with the next batch.
func (s *sseSink) Write(items []relay.Item, flush bool) error {
	for _, it := range items {
		if !flush {
			it.Data = bytes.Clone(it.Data)
		}
		if it.ID == "" {
			s.lastSeq++
			it.ID = strconv.FormatInt(s.lastSeq, 10)
		} else if n, err := strconv.ParseInt(it.ID, 10, 64); err == nil {
			s.lastSeq = n
		}
		s.evs = append(s.evs, sse.Event{ID: it.ID, Name: it.Name, Data: it.Data})
	}
	if !flush {
		return nil
	}
	defer func() { s.evs = s.evs[:0] }()
	if len(s.evs) == 1 {
		return s.sw.Write(s.evs[0])
	}
	return s.sw.WriteAll(s.evs)
}

func (s *sseSink) Final(items []relay.Item) error { return s.Write(items, true) }
func (s *sseSink) Started() bool                  { return s.sw.Started() }
func (s *sseSink) Keepalive() error               { return s.d.keepalive(s.sw) }
func (s *sseSink) Abort()                         {}
func (s *sseSink) Close()                         {}

func (s *sseSink) Respond(e *rockstream.Error) bool {
	if s.sw.Started() {
		return false
	}
	writeError(s.w, s.d, e)
	return true
}
