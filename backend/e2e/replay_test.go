package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/replay"
	"github.com/rockstream/rockstream/server"
)

// stamped notes when each event of each stream leaves the backend it
// wraps, with the stream's replay key.
type stamped struct {
	next    rockstream.Backend
	mu      sync.Mutex
	streams []stampedStream
}

type stampedStream struct {
	key   string
	start time.Time
	at    []time.Time
}

func (s *stamped) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		st := stampedStream{key: replay.KeyOf(replay.FromRequest(req)), start: time.Now()}
		defer func() {
			s.mu.Lock()
			s.streams = append(s.streams, st)
			s.mu.Unlock()
		}()
		for ev, err := range s.next.Stream(ctx, req) {
			if err == nil {
				st.at = append(st.at, time.Now())
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// recordedCall is one request the record-then-replay test sends.
type recordedCall struct {
	name string
	run  func(ctx context.Context, c *bedrockruntime.Client) answer
}

func TestRecordThenReplayThroughTheRuntime(t *testing.T) {
	dir := t.TempDir()
	// A pace slow enough that the gaps are worth comparing.
	paced := builtin.New(builtin.Options{Pace: &builtin.Pace{FirstToken: 15 * time.Millisecond, TokensPerSecond: 200}})
	var calls []recordedCall
	for _, prompt := range []string{story, "Explain event streams in one paragraph"} {
		calls = append(calls, recordedCall{"invoke " + prompt, func(ctx context.Context, c *bedrockruntime.Client) answer {
			return invoke(ctx, c, sonnet, labBody(prompt, 20))
		}})
	}
	calls = append(calls, recordedCall{"converse", func(ctx context.Context, c *bedrockruntime.Client) answer {
		return converse(ctx, c, haiku, story, 20)
	}})

	recording := start(t, server.Options{Backend: replay.NewRecorder(paced, dir, nil)})
	tr := h2cTransport(t)
	client := sdkClient(t, recording.URL, &http.Client{Transport: tr})
	var recorded []answer
	for _, c := range calls {
		a := c.run(context.Background(), client)
		if a.err != nil || len(a.pieces) == 0 {
			t.Fatalf("recording %s: %d pieces, %v", c.name, len(a.pieces), a.err)
		}
		recorded = append(recorded, a)
	}
	tr.CloseIdleConnections() // so that Close need not wait for the client
	recording.Close()         // every recording is on disk

	player, err := replay.Open(dir, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if player.Len() != len(calls) {
		t.Fatalf("%d recordings, want %d", player.Len(), len(calls))
	}
	stamps := &stamped{next: player}
	client = sdkClient(t, start(t, server.Options{Backend: stamps}).URL, nil)
	for i, c := range calls {
		a := c.run(context.Background(), client)
		r := recorded[i]
		want := expected{pieces: r.pieces, stop: r.stop, in: r.in, out: r.out}
		want.check(t, "replayed "+c.name, a)
	}
	checkReplayTiming(t, dir, stamps.streams)
}

// checkReplayTiming compares every replayed gap between events with the
// recorded one: a replay may be slower than the recording, never faster.
func checkReplayTiming(t *testing.T, dir string, streams []stampedStream) {
	t.Helper()
	recs := map[string]*replay.Recording{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range paths {
		rec, err := replay.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs[rec.Key] = rec
	}
	for i, st := range streams {
		rec := recs[st.key]
		if rec == nil || len(st.at) != len(rec.Events) {
			t.Fatalf("stream %d: %d events replayed, recording %v", i, len(st.at), rec != nil)
		}
		var total float64
		prev := st.start
		for j, ev := range rec.Events {
			total += ev.AfterMS
			gap := st.at[j].Sub(prev)
			if recorded := time.Duration(ev.AfterMS * float64(time.Millisecond)); gap < recorded-time.Millisecond {
				t.Errorf("stream %d event %d: replayed after %v, recorded after %v", i, j, gap, recorded)
			}
			prev = st.at[j]
		}
		if total < 50 {
			t.Errorf("stream %d: the recording spans only %.1fms; the pace did not hold", i, total)
		}
	}
}

// errorCapture keeps the status, headers and body of every error answer.
type errorCapture struct {
	inner *http.Client
	mu    sync.Mutex
	last  struct {
		status int
		header http.Header
		body   []byte
	}
}

func (c *errorCapture) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(r)
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	c.last.status, c.last.header, c.last.body = resp.StatusCode, resp.Header.Clone(), body
	c.mu.Unlock()
	return resp, nil
}

func TestReplayUnmatchedRequestIsABedrockErrorNamingNearestRecordings(t *testing.T) {
	dir := t.TempDir()
	recording := start(t, server.Options{Backend: replay.NewRecorder(fastBuiltin(), dir, nil)})
	tr := h2cTransport(t)
	if a := invoke(context.Background(), sdkClient(t, recording.URL, &http.Client{Transport: tr}), sonnet, labBody(story, 20)); a.err != nil {
		t.Fatal(a.err)
	}
	tr.CloseIdleConnections()
	recording.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("recordings: %q", files)
	}
	player, err := replay.Open(dir, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := start(t, server.Options{Backend: player}).URL
	capture := &errorCapture{inner: &http.Client{Transport: h2cTransport(t)}}

	a := invoke(context.Background(), sdkClient(t, url, capture), sonnet, labBody("Tell me a story about three kittens", 20))
	var notFound *types.ResourceNotFoundException
	if !errors.As(a.err, &notFound) {
		t.Fatalf("err = %v (%T), want ResourceNotFoundException", a.err, a.err)
	}
	msg := notFound.ErrorMessage()
	for _, want := range []string{"no recording matches", "nearest recordings", filepath.Base(files[0]), "messages"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}

	capture.mu.Lock()
	defer capture.mu.Unlock()
	last := capture.last
	if last.status != http.StatusNotFound {
		t.Errorf("status %d, want 404", last.status)
	}
	if h := last.header.Get("X-Amzn-Errortype"); !strings.HasPrefix(h, "ResourceNotFoundException:") {
		t.Errorf("x-amzn-ErrorType %q", h)
	}
	if last.header.Get("X-Amzn-Requestid") == "" {
		t.Error("no x-amzn-RequestId")
	}
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(last.body, &body); err != nil || body.Type != "ResourceNotFoundException" || body.Message != msg {
		t.Errorf("body %s: %v", last.body, err)
	}
}

func TestReplayReproducesFailures(t *testing.T) {
	// after=4: message start, block start and two text deltas come first.
	want := builtin.Tokens(labRequest(sonnet, story, 60))[:2]
	cases := []struct {
		fault string
		check func(error) bool
	}{
		{"ModelStreamErrorException,after=4", func(err error) bool {
			var e *types.ModelStreamErrorException
			return errors.As(err, &e)
		}},
		{"ThrottlingException,after=4", func(err error) bool {
			var e *types.ThrottlingException
			return errors.As(err, &e)
		}},
		{"cut,after=4", func(err error) bool { return err != nil }},
	}
	for _, tc := range cases {
		t.Run(tc.fault, func(t *testing.T) {
			dir := t.TempDir()
			recording := start(t, server.Options{Backend: replay.NewRecorder(fastBuiltin(), dir, nil)})
			tr := h2cTransport(t)
			faulty := sdkClient(t, recording.URL, &http.Client{Transport: faultHeader{tr, tc.fault}})
			first := invoke(context.Background(), faulty, sonnet, labBody(story, 60))
			tr.CloseIdleConnections()
			recording.Close()

			player, err := replay.Open(dir, replay.Options{})
			if err != nil {
				t.Fatal(err)
			}
			again := invoke(context.Background(), sdkClient(t, start(t, server.Options{Backend: player}).URL, nil), sonnet, labBody(story, 60))
			for name, a := range map[string]answer{"recorded": first, "replayed": again} {
				if !slices.Equal(a.pieces, want) || a.stop != "" || !tc.check(a.err) {
					t.Errorf("%s: pieces %q, stop %q, err %v (%T)", name, a.pieces, a.stop, a.err, a.err)
				}
			}
		})
	}
}
