package sse

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"time"
)

// DefaultMaxLine bounds one line of a stream, so a peer that never sends a
// newline cannot grow the reader's memory without limit.
const DefaultMaxLine = 1 << 20

// ErrLineTooLong is returned for a line longer than the reader's limit.
var ErrLineTooLong = errors.New("sse: line too long")

// Reader parses a Server-Sent Events stream: LF, CRLF or CR line ends, a
// leading byte-order mark, comments, multi-line data, the id, event and
// retry fields. A stream that ends in the middle of an event fails with
// io.ErrUnexpectedEOF: a cut connection is never a clean end.
type Reader struct {
	sc *bufio.Scanner
	// Comments, when set, makes Next return comment lines as events with
	// IsComment set, for callers that watch keepalives.
	Comments bool
	lastID   string
	first    bool
}

// Message is what Next returns: an event, or a comment when the reader
// reports comments.
type Message struct {
	Event
	// Comment is the comment's text without the colon and one space.
	Comment   string
	IsComment bool
}

// IsDone reports whether the event is OpenAI's end-of-stream sentinel,
// "data: [DONE]".
func (e Event) IsDone() bool { return string(e.Data) == "[DONE]" }

// NewReader returns a Reader on r with lines limited to DefaultMaxLine.
func NewReader(r io.Reader) *Reader { return NewReaderSize(r, DefaultMaxLine) }

// NewReaderSize returns a Reader whose lines may be at most maxLine bytes.
func NewReaderSize(r io.Reader, maxLine int) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, min(4096, maxLine)), maxLine)
	sc.Split(scanLines)
	return &Reader{sc: sc, first: true}
}

// Next returns the next event (or comment). At the end of the stream it
// returns io.EOF if the stream ended between events.
func (r *Reader) Next() (Message, error) {
	var (
		ev      Event
		data    []byte
		hasData bool
		pending bool // a field of an undispatched event was seen
	)
	ev.ID = r.lastID
	for r.sc.Scan() {
		line := r.sc.Bytes()
		if r.first {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
			r.first = false
		}
		if len(line) == 0 {
			if !hasData {
				// A blank line without data dispatches nothing, but the
				// fields it ended are done with.
				ev, pending = Event{ID: r.lastID}, false
				continue
			}
			ev.Data = data
			if ev.Data == nil {
				ev.Data = []byte{}
			}
			return Message{Event: ev}, nil
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		if len(name) == 0 {
			if r.Comments {
				return Message{Comment: string(bytes.TrimPrefix(value, []byte(" "))), IsComment: true}, nil
			}
			continue
		}
		value = bytes.TrimPrefix(value, []byte(" "))
		pending = true
		switch string(name) {
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
		case "event":
			ev.Name = string(value)
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				r.lastID = string(value)
				ev.ID = r.lastID
			}
		case "retry":
			if ms, err := strconv.ParseUint(string(value), 10, 31); err == nil {
				ev.Retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Message{}, ErrLineTooLong
		}
		return Message{}, err
	}
	if pending {
		return Message{}, io.ErrUnexpectedEOF
	}
	return Message{}, io.EOF
}

// LastEventID is the id of the last event read, as a reconnecting client
// sends it in Last-Event-ID.
func (r *Reader) LastEventID() string { return r.lastID }

// scanLines splits on LF, CRLF or a lone CR. A CR at the end of the
// buffer waits for more input, since an LF may follow. A last line without
// an end is returned as is; Next treats the cut event as incomplete.
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	i := bytes.IndexAny(data, "\r\n")
	if i < 0 {
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	}
	if data[i] == '\n' {
		return i + 1, data[:i], nil
	}
	if i+1 < len(data) {
		if data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		return i + 1, data[:i], nil
	}
	if atEOF {
		return i + 1, data[:i], nil
	}
	return 0, nil, nil
}
