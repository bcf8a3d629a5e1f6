package replay

import (
	"context"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// paced yields its events with a fixed gap before each, then err.
type paced struct {
	events []rockstream.Event
	gap    time.Duration
	err    error
}

func (p paced) Stream(ctx context.Context, _ *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range p.events {
			time.Sleep(p.gap)
			if !yield(ev, nil) {
				return
			}
		}
		if p.err != nil {
			yield(nil, p.err)
		}
	}
}

var story = []rockstream.Event{
	rockstream.MessageStart{ID: "msg_1", Model: "anthropic.claude-3-sonnet-20240229-v1:0", Usage: rockstream.Usage{InputTokens: 5}},
	rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
	rockstream.TextDelta{Index: 0, Text: "Once"},
	rockstream.TextDelta{Index: 0, Text: " upon"},
	rockstream.BlockStop{Index: 0},
	rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
	rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 5, OutputTokens: 2}},
}

func request(prompt string) *rockstream.Request {
	return &rockstream.Request{Model: "anthropic.claude-3-sonnet-20240229-v1:0", MaxTokens: 100,
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}
}

type result struct {
	events []rockstream.Event
	err    error
	gaps   []time.Duration
}

func collect(b rockstream.Backend, req *rockstream.Request) result {
	var r result
	last := time.Now()
	for ev, err := range b.Stream(context.Background(), req) {
		r.gaps = append(r.gaps, time.Since(last))
		last = time.Now()
		if err != nil {
			r.err = err
			break
		}
		r.events = append(r.events, ev)
	}
	return r
}

func TestRecordThenReplayGivesSameEventsAndTiming(t *testing.T) {
	dir := t.TempDir()
	const gap = 20 * time.Millisecond
	rec := NewRecorder(paced{events: story, gap: gap}, dir, nil)
	orig := collect(rec, request("Tell me a story"))
	if orig.err != nil {
		t.Fatal(orig.err)
	}
	b, err := Open(dir, Options{})
	if err != nil || b.Len() != 1 {
		t.Fatalf("Open: %v, %d recordings", err, b.Len())
	}
	got := collect(b, request("Tell me a story"))
	if got.err != nil || !reflect.DeepEqual(got.events, story) {
		t.Fatalf("replayed %v, %v", got.events, got.err)
	}
	// A timer never fires early: every replayed gap is at least the
	// recorded one, less the recorder's microsecond rounding.
	for i, g := range got.gaps {
		if g < gap-time.Millisecond {
			t.Errorf("gap %d = %v, recorded about %v", i, g, gap)
		}
	}
}

func TestReplayFasterAndWithoutDelays(t *testing.T) {
	dir := t.TempDir()
	collect(NewRecorder(paced{events: story, gap: 30 * time.Millisecond}, dir, nil), request("x"))
	b, _ := Open(dir, Options{Speed: -1})
	start := time.Now()
	if r := collect(b, request("x")); r.err != nil || len(r.events) != len(story) {
		t.Fatalf("%v %v", r.events, r.err)
	}
	// Without delays the replay cannot take as long as one recorded gap
	// per event did.
	if d := time.Since(start); d >= 30*time.Millisecond*time.Duration(len(story)) {
		t.Errorf("replay without delays took %v", d)
	}
}

func TestReplayErrorsAndAborts(t *testing.T) {
	cases := []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"in-stream exception", &rockstream.Error{Class: rockstream.ClassThrottling, Code: "ThrottlingException", Message: "slow", StatusCode: 429, InStream: true},
			func(err error) bool {
				e := rockstream.AsError(err)
				return e.Class == rockstream.ClassThrottling && e.InStream && e.Code == "ThrottlingException"
			}},
		{"abort", rockstream.ErrAbort, func(err error) bool { return errors.Is(err, rockstream.ErrAbort) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			collect(NewRecorder(paced{events: story[:3], err: c.err}, dir, nil), request("x"))
			b, err := Open(dir, Options{Speed: -1})
			if err != nil {
				t.Fatal(err)
			}
			r := collect(b, request("x"))
			if len(r.events) != 3 || !c.check(r.err) {
				t.Fatalf("events %d, err %v", len(r.events), r.err)
			}
		})
	}
}

func TestUnmatchedRequestNamesNearestRecordings(t *testing.T) {
	dir := t.TempDir()
	collect(NewRecorder(paced{events: story}, dir, nil), request("Tell me a story about puppies"))
	other := request("Tell me a story about puppies")
	other.Model = "amazon.titan-text-express-v1"
	collect(NewRecorder(paced{events: story}, dir, nil), other)
	b, _ := Open(dir, Options{Speed: -1})

	r := collect(b, request("Tell me a story about kittens"))
	e := rockstream.AsError(r.err)
	if e.Class != rockstream.ClassNotFound || !strings.Contains(e.Message, "nearest recordings") || !strings.Contains(e.Message, "differs in messages") {
		t.Fatalf("error = %v", e)
	}
	// Same model comes first.
	if i, j := strings.Index(e.Message, "anthropic"), strings.Index(e.Message, "titan"); i < 0 || j < 0 || i > j {
		t.Errorf("nearest order wrong: %s", e.Message)
	}
}

func TestRecordingRemovesSecrets(t *testing.T) {
	dir := t.TempDir()
	req := request("my key is AKIAIOSFODNN7EXAMPLE and aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok")
	collect(NewRecorder(paced{events: story}, dir, nil), req)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	b, _ := os.ReadFile(files[0])
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("recording holds %s", secret)
		}
	}
	if !strings.Contains(string(b), "[REDACTED]") {
		t.Error("no redaction marker")
	}
	// The same request still matches its recording.
	rb, _ := Open(dir, Options{Speed: -1})
	if r := collect(rb, req); r.err != nil {
		t.Fatal(r.err)
	}
}

func TestReplayCancelStopsWaiting(t *testing.T) {
	dir := t.TempDir()
	collect(NewRecorder(paced{events: story[:2], gap: 0}, dir, nil), request("x"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	// Stretch the second delay to an hour.
	b, _ := os.ReadFile(files[0])
	rec, _ := Parse(b)
	rec.Events[1].AfterMS = 3600_000
	os.Remove(files[0])
	if _, err := writeFile(dir, rec); err != nil {
		t.Fatal(err)
	}
	pb, _ := Open(dir, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err error
	for ev, e := range pb.Stream(ctx, request("x")) {
		if ev != nil {
			cancel()
		}
		err = e
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	collect(NewRecorder(paced{events: story, err: rockstream.BedrockError("ThrottlingException", "x")}, dir, nil), request("x"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	seed, _ := os.ReadFile(files[0])
	f.Add(seed)
	f.Add([]byte(`{"rockstream_recording":1,"request":{"model":"m"},"outcome":{"kind":"error"}}`))
	f.Add(recordingWith(`{"type":"block_start","index":-1,"block_type":"text"}`))
	f.Add(recordingWith(`{"type":"text_delta","index":3000000,"text":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := Parse(b)
		if err != nil {
			return
		}
		// Whatever parses folds into an answer with no more blocks than
		// events, and can be played without panicking.
		var acc rockstream.Accumulator
		for _, re := range rec.Events {
			ev, err := rockstream.UnmarshalEvent(re.Event)
			if err != nil {
				t.Fatalf("a parsed event does not decode: %v", err)
			}
			acc.Add(ev)
		}
		if n := len(acc.Response().Message.Content); n > len(rec.Events) {
			t.Fatalf("%d blocks from %d events", n, len(rec.Events))
		}
		req := &rockstream.Request{Model: rec.Request.Model}
		pb := &Backend{byKey: map[string][]*Recording{KeyOf(FromRequest(req)): {rec}}, next: map[string]int{}, speed: -1, all: []*Recording{rec}}
		for range pb.Stream(context.Background(), req) {
		}
	})
}
