package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/override"
)

// recordingWith is a valid recording file whose events are evs (JSON).
func recordingWith(evs ...string) []byte {
	var parts []string
	for _, ev := range evs {
		parts = append(parts, `{"after_ms":1,"event":`+ev+`}`)
	}
	return []byte(`{"rockstream_recording":1,"request":{"model":"m","messages":[]},"events":[` +
		strings.Join(parts, ",") + `],"outcome":{"kind":"complete"}}`)
}

// TestParseRefusesBadEvents loads recordings a frontend could not play
// safely: each is refused with an error naming the problem.
func TestParseRefusesBadEvents(t *testing.T) {
	t.Parallel()
	start := `{"type":"message_start","id":"m1","model":"m"}`
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"negative index", recordingWith(start, `{"type":"block_start","index":-1,"block_type":"text"}`), "index -1"},
		{"huge index", recordingWith(start, `{"type":"text_delta","index":3000000,"text":"x"}`), "index 3000000"},
		{"index skips blocks", recordingWith(start, `{"type":"block_start","index":0,"block_type":"text"}`, `{"type":"text_delta","index":5,"text":"x"}`), "index 5"},
		{"error status not an HTTP error", []byte(`{"rockstream_recording":1,"request":{"model":"m"},"events":[],"outcome":{"kind":"error","error":{"class":"throttling","message":"x","status_code":42}}}`), "status"},
		{"delay of days", []byte(strings.Replace(string(recordingWith(start)), `"after_ms":1`, `"after_ms":1e15`, 1)), "delay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: %v; want an error about %q", err, tt.want)
			}
		})
	}
	if _, err := Parse(recordingWith(start, `{"type":"block_start","index":0,"block_type":"text"}`,
		`{"type":"text_delta","index":0,"text":"x"}`, `{"type":"block_stop","index":0}`,
		`{"type":"block_start","index":1,"block_type":"text"}`, `{"type":"message_stop","stop_reason":"end_turn"}`)); err != nil {
		t.Errorf("a good recording was refused: %v", err)
	}
}

// TestRecordingFileNamesAreUnique records the same request many times in
// a row: one file each.
func TestRecordingFileNamesAreUnique(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := NewRecorder(paced{events: story}, dir, nil)
	const n = 400
	for range n {
		collect(rec, request("same"))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != n {
		t.Fatalf("%d files for %d streams", len(files), n)
	}
}

// TestRecordingSkipsRejectedRequests: a request refused before its stream
// began (a 400, a throttle) leaves no recording.
func TestRecordingSkipsRejectedRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := NewRecorder(paced{err: rockstream.BedrockError("ValidationException", "bad model")}, dir, nil)
	for range 5 {
		if r := collect(rec, request("x")); r.err == nil {
			t.Fatal("the error was not passed on")
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 0 {
		t.Fatalf("%d recordings of rejected requests", len(files))
	}
}

// TestRecordingRedactsOutput: secrets in the model's text, reasoning,
// tool input and error are removed, also when split across deltas.
func TestRecordingRedactsOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	evs := []rockstream.Event{
		rockstream.MessageStart{ID: "msg_1", Model: "m"},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockThinking},
		rockstream.ReasoningDelta{Index: 0, Text: "the key sk-ant-abcdefghij"},
		rockstream.ReasoningDelta{Index: 0, Text: "KLMNOPQRSTUVWXYZ0123 is"},
		rockstream.BlockStop{Index: 0},
		rockstream.BlockStart{Index: 1, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 1, Text: "Use AKIAIOSF"},
		rockstream.TextDelta{Index: 1, Text: "ODNN7EXAMPLE with "},
		rockstream.TextDelta{Index: 1, Text: "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload"},
		rockstream.BlockStop{Index: 1},
		rockstream.BlockStart{Index: 2, Type: rockstream.BlockToolUse, ToolUseID: "t1", Name: "login"},
		rockstream.ToolInputDelta{Index: 2, PartialJSON: `{"key":"ASIAIOSFODNN7EXAMPLE",`},
		rockstream.ToolInputDelta{Index: 2, PartialJSON: `"n":1}`},
		rockstream.BlockStop{Index: 2},
	}
	collect(NewRecorder(paced{events: evs, err: &rockstream.Error{Class: rockstream.ClassModel, InStream: true, StatusCode: 424,
		Message: "model echoed sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX"}}, dir, nil), request("hello"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d recordings", len(files))
	}
	b, _ := os.ReadFile(files[0])
	for _, secret := range []string{"abcdefghij", "KLMNOPQRST", "AKIAIOSF", "ODNN7EXAMPLE", "eyJhbGci", "ASIAIOSF", "sk-proj-ABC"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("recording holds %q", secret)
		}
	}
	rec, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var text, tool strings.Builder
	for _, re := range rec.Events {
		ev, _ := rockstream.UnmarshalEvent(re.Event)
		switch e := ev.(type) {
		case rockstream.TextDelta:
			text.WriteString(e.Text)
		case rockstream.ToolInputDelta:
			tool.WriteString(e.PartialJSON)
		}
	}
	if want := "Use [REDACTED] with Authorization: [REDACTED]"; text.String() != want {
		t.Errorf("text %q, want %q", text.String(), want)
	}
	if want := `{"key":"[REDACTED]","n":1}`; tool.String() != want {
		t.Errorf("tool input %q, want %q", tool.String(), want)
	}
	if len(rec.Events) != len(evs) {
		t.Errorf("%d events recorded, want %d: redaction must keep every delta", len(rec.Events), len(evs))
	}
}

// logBuffer captures a recorder's log lines.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func recordings(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRecordingCaps: past MaxFiles files or MaxBytes bytes in the
// directory nothing more is written, and the log says so once.
func TestRecordingCaps(t *testing.T) {
	t.Parallel()
	t.Run("files", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		log, buf := logBuffer()
		rec := NewRecorderWithOptions(paced{events: story}, dir, log, RecordOptions{MaxFiles: 3})
		for i := range 5 {
			if r := collect(rec, request(fmt.Sprint(i))); r.err != nil || len(r.events) != len(story) {
				t.Fatalf("stream %d changed by the cap: %d events, %v", i, len(r.events), r.err)
			}
		}
		if n := len(recordings(t, dir)); n != 3 {
			t.Errorf("%d files, want 3", n)
		}
		if n := strings.Count(buf.String(), "record-max-files"); n != 1 {
			t.Errorf("the cap was logged %d times, want once:\n%s", n, buf)
		}
		// Files already in the directory count.
		collect(NewRecorderWithOptions(paced{events: story}, dir, nil, RecordOptions{MaxFiles: 4}), request("more"))
		collect(NewRecorderWithOptions(paced{events: story}, dir, nil, RecordOptions{MaxFiles: 4}), request("more"))
		if n := len(recordings(t, dir)); n != 4 {
			t.Errorf("%d files, want 4", n)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		t.Parallel()
		probe := t.TempDir()
		collect(NewRecorder(paced{events: story}, probe, nil), request("x"))
		st, err := os.Stat(recordings(t, probe)[0])
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		rec := NewRecorderWithOptions(paced{events: story}, dir, nil, RecordOptions{MaxBytes: st.Size()*5/2 + 10})
		for i := range 5 {
			collect(rec, request(fmt.Sprint(i%10)))
		}
		if n := len(recordings(t, dir)); n != 2 {
			t.Errorf("%d files, want 2", n)
		}
	})
	t.Run("one recording", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		log, buf := logBuffer()
		rec := NewRecorderWithOptions(paced{events: story}, dir, log, RecordOptions{MaxEvents: 3})
		if r := collect(rec, request("x")); len(r.events) != len(story) {
			t.Fatalf("%d events passed through, want %d", len(r.events), len(story))
		}
		if n := len(recordings(t, dir)); n != 0 || !strings.Contains(buf.String(), "longer than one recording holds") {
			t.Errorf("%d files, log %q; want none, and a line saying why", n, buf)
		}
	})
}

// blocked yields its events, then waits for release (or ctx) and ends.
type blocked struct {
	events  []rockstream.Event
	sent    chan struct{} // closed when the first stream has sent its events
	once    *sync.Once
	release chan struct{}
}

func newBlocked() blocked {
	return blocked{events: story[:3], sent: make(chan struct{}), once: new(sync.Once), release: make(chan struct{})}
}

func (b blocked) Stream(ctx context.Context, _ *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range b.events {
			if !yield(ev, nil) {
				return
			}
		}
		b.once.Do(func() { close(b.sent) })
		select {
		case <-b.release:
			for _, ev := range story[len(b.events):] {
				if !yield(ev, nil) {
					return
				}
			}
		case <-ctx.Done():
			yield(nil, ctx.Err())
		}
	}
}

// TestRecorderCloseWritesInFlight: at shutdown a stream still running is
// written as it stands, once, and no stream after Close is recorded.
func TestRecorderCloseWritesInFlight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := newBlocked()
	rec := NewRecorder(b, dir, nil)
	done := make(chan result)
	go func() { done <- collect(rec, request("x")) }()
	<-b.sent
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rec.Close(expired); err != nil {
		t.Fatal(err)
	}
	files := recordings(t, dir)
	if len(files) != 1 {
		t.Fatalf("%d files after Close, want 1", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	got, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 3 || got.Outcome.Kind != string(rockstream.Cancelled) || got.Note == "" {
		t.Errorf("%d events, outcome %s, note %q; want 3, cancelled and a note", len(got.Events), got.Outcome.Kind, got.Note)
	}
	close(b.release)
	if r := <-done; r.err != nil || len(r.events) != len(story) {
		t.Errorf("the stream was disturbed: %d events, %v", len(r.events), r.err)
	}
	collect(rec, request("after close"))
	if n := len(recordings(t, dir)); n != 1 {
		t.Errorf("%d files; the stream's end or a later stream wrote another", n)
	}
}

// TestRecorderCloseWaitsForStreams: with time left, Close lets running
// streams end and write their own, whole recordings.
func TestRecorderCloseWaitsForStreams(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := newBlocked()
	rec := NewRecorder(b, dir, nil)
	done := make(chan result)
	go func() { done <- collect(rec, request("x")) }()
	<-b.sent
	closed := make(chan error)
	go func() { closed <- rec.Close(context.Background()) }()
	close(b.release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	<-done
	files := recordings(t, dir)
	if len(files) != 1 {
		t.Fatalf("%d files, want 1", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	if got, err := Parse(raw); err != nil || len(got.Events) != len(story) || got.Outcome.Kind != string(rockstream.Complete) {
		t.Errorf("recording %v, %v; want the whole stream", got, err)
	}
}

func TestRecordingMarksInjectedFaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := override.With(context.Background(), override.Overrides{Fault: &override.Fault{Kind: override.FaultCut, InStream: true, After: 3}})
	rec := NewRecorder(paced{events: story[:3], err: rockstream.ErrAbort}, dir, nil)
	for range rec.Stream(ctx, request("x")) {
	}
	files := recordings(t, dir)
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	if got, err := Parse(raw); err != nil || !got.InjectedFault || got.Outcome.Kind != outcomeAbort {
		t.Errorf("recording %+v, %v; want an abort marked injected", got, err)
	}
}

func TestOpenBoundsFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	collect(NewRecorder(paced{events: story}, dir, nil), request("x"))
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"file bytes", Options{MaxFileBytes: 100}, "at most 100"},
		{"events", Options{MaxEvents: 3}, "at most 3"},
		{"directory bytes", Options{MaxBytes: 100}, "the limit is 100"},
	} {
		if _, err := Open(dir, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Open: %v; want an error saying %q", tt.name, err, tt.want)
		}
	}
	if _, err := Open(dir, Options{}); err != nil {
		t.Errorf("within the defaults: %v", err)
	}
}

// FuzzRedactPieces: redacting split text gives what redacting it whole
// does, in as many pieces, with no secret left.
func FuzzRedactPieces(f *testing.F) {
	f.Add("key AKIAIOSF", "ODNN7EXAMPLE and ", "Bearer abcdefghijklmnopqrstuvwxyz")
	f.Add("sk-ant-", "abcdefghijklmnopqrstuvwxyz", "")
	f.Add("aws_secret_access_key=", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", " ok")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		in := []string{a, b, c}
		out := redactPieces(in)
		if len(out) != len(in) {
			t.Fatalf("%d pieces from %d", len(out), len(in))
		}
		whole := strings.Join(out, "")
		if want := Redact(a + b + c); whole != want {
			t.Fatalf("pieces redact to %q, whole text to %q", whole, want)
		}
		if spans := secretSpans(whole); len(spans) != 0 {
			t.Fatalf("secret left at %v in %q", spans, whole)
		}
	})
}

// A recording cannot apply a guardrail, so a request asking for one is
// refused by name rather than answered from a recording made without it.
func TestReplayRefusesGuardrails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	collect(NewRecorder(paced{events: story}, dir, nil), request("x"))
	b, err := Open(dir, Options{Speed: -1})
	if err != nil {
		t.Fatal(err)
	}
	req := request("x")
	req.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
	for _, err := range b.Stream(context.Background(), req) {
		var fe *rockstream.FeatureError
		if !errors.As(err, &fe) || fe.Feature != rockstream.FeatureGuardrail {
			t.Fatalf("err %v, want a refusal naming the guardrail", err)
		}
		return
	}
	t.Fatal("no error")
}
