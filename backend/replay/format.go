// Package replay records streams from any backend to readable files and
// serves them back with their original timing. A recording holds the
// request, every event with the delay before it, and the outcome; secrets
// are removed before anything is written.
package replay

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rockstream/rockstream"
)

// Version is the recording format's version.
const Version = 1

// Recording is one stream as a file holds it.
type Recording struct {
	Format     int             `json:"rockstream_recording"`
	RecordedAt time.Time       `json:"recorded_at"`
	Key        string          `json:"key"`
	Request    Request         `json:"request"`
	Events     []RecordedEvent `json:"events"`
	Outcome    RecordedOutcome `json:"outcome"`
	// InjectedFault is true when the request carried a fault header
	// (X-Rockstream-Fault): the failure recorded is the test's, not the
	// model's, and a replay reproduces it.
	InjectedFault bool `json:"injected_fault,omitempty"`
	// Note says how the recording was made when that was unusual, e.g.
	// written at shutdown while the stream still ran.
	Note string `json:"note,omitempty"`

	// file is where it was read from, for messages.
	file string
}

// RecordedEvent is one event and the delay since the previous one (or
// since the request, for the first).
type RecordedEvent struct {
	AfterMS float64         `json:"after_ms"`
	Event   json.RawMessage `json:"event"`
}

// RecordedOutcome is how the stream ended.
type RecordedOutcome struct {
	// Kind is complete, truncated, error, cancelled or abort (the
	// connection was cut mid-frame).
	Kind    string         `json:"kind"`
	AfterMS float64        `json:"after_ms"`
	Error   *RecordedError `json:"error,omitempty"`
}

// RecordedError is a *rockstream.Error's facts.
type RecordedError struct {
	Class      string `json:"class"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message"`
	StatusCode int    `json:"status_code,omitempty"`
	Retryable  bool   `json:"retryable,omitempty"`
	InStream   bool   `json:"in_stream,omitempty"`
}

const outcomeAbort = "abort"

func recordError(err error) *RecordedError {
	e := rockstream.AsError(err)
	msg := e.Message
	if msg == "" {
		msg = err.Error()
	}
	return &RecordedError{Class: string(e.Class), Code: e.Code, Message: msg, StatusCode: e.StatusCode, Retryable: e.Retryable, InStream: e.InStream}
}

func (r *RecordedError) err() *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ErrorClass(r.Class), Code: r.Code, Message: r.Message,
		StatusCode: r.StatusCode, Retryable: r.Retryable, InStream: r.InStream}
}

// KeyOf identifies a request for matching: a hash of its recorded form,
// so the same model and body always match and anything else does not.
func KeyOf(req Request) string {
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// ReadFile reads and checks one recording, within the default bounds.
func ReadFile(path string) (*Recording, error) {
	return readFile(path, Options{})
}

// readFile reads one recording within opts' bounds: a file larger than
// MaxFileBytes is refused before it is read.
func readFile(path string, opts Options) (*Recording, error) {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > opts.MaxFileBytes {
		return nil, fmt.Errorf("%s: replay: the file is %d bytes; recordings are at most %d", filepath.Base(path), st.Size(), opts.MaxFileBytes)
	}
	b, err := io.ReadAll(io.LimitReader(f, opts.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > opts.MaxFileBytes {
		return nil, fmt.Errorf("%s: replay: the file is over %d bytes", filepath.Base(path), opts.MaxFileBytes)
	}
	rec, err := parse(b, opts.MaxEvents)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	rec.file = path
	return rec, nil
}

// Parse decodes a recording and checks that it can be played: every
// event valid, block indexes in order, delays and statuses in range, at
// most DefaultMaxEvents events.
func Parse(b []byte) (*Recording, error) { return parse(b, DefaultMaxEvents) }

func parse(b []byte, maxEvents int) (*Recording, error) {
	var rec Recording
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("replay: not a recording: %w", err)
	}
	if rec.Format != Version {
		return nil, fmt.Errorf("replay: recording format %d, want %d", rec.Format, Version)
	}
	if rec.Request.Model == "" {
		return nil, errors.New("replay: recording has no model")
	}
	if len(rec.Events) > maxEvents {
		return nil, fmt.Errorf("replay: %d events; recordings hold at most %d", len(rec.Events), maxEvents)
	}
	blocks := 0
	for i, re := range rec.Events {
		ev, err := rockstream.UnmarshalEvent(re.Event)
		if err != nil {
			return nil, fmt.Errorf("replay: event %d: %w", i, err)
		}
		if err := checkEvent(i, re, ev, &blocks); err != nil {
			return nil, err
		}
	}
	switch rec.Outcome.Kind {
	case string(rockstream.Complete), string(rockstream.Truncated), string(rockstream.Cancelled), outcomeAbort:
	case string(rockstream.Failed):
		if rec.Outcome.Error == nil {
			return nil, errors.New("replay: error outcome without an error")
		}
	default:
		return nil, fmt.Errorf("replay: unknown outcome %q", rec.Outcome.Kind)
	}
	if err := checkOutcome(rec.Outcome); err != nil {
		return nil, err
	}
	rec.Key = KeyOf(rec.Request)
	return &rec, nil
}

// writeFile writes rec into dir atomically and returns its path. The
// name starts with the time, model and request key, for people; a random
// suffix keeps two recordings of one request in one millisecond apart.
func writeFile(dir string, rec *Recording) (string, error) {
	b, err := encodeRecording(rec)
	if err != nil {
		return "", err
	}
	return writeBytes(dir, rec, b)
}

func encodeRecording(rec *Recording) ([]byte, error) {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func writeBytes(dir string, rec *Recording, b []byte) (string, error) {
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%s-%s-%s.json", rec.RecordedAt.UTC().Format("20060102T150405.000"), safeName(rec.Request.Model),
		rec.Key[:8], hex.EncodeToString(suffix[:]))
	tmp, err := os.CreateTemp(dir, ".recording-*")
	if err != nil {
		return "", err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.Rename(tmp.Name(), path)
}

// safeName keeps a model ID readable in a file name.
func safeName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			out[i] = '_'
		}
	}
	if len(out) > 60 {
		out = out[len(out)-60:]
	}
	return string(out)
}
