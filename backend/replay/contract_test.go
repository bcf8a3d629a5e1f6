package replay_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/backendtest"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/replay"
	"github.com/rockstream/rockstream/override"
)

const contractModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func contractAsk(prompt string) *rockstream.Request {
	return &rockstream.Request{Model: contractModel, MaxTokens: 40,
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}
}

func contractRequest() *rockstream.Request { return contractAsk("Tell me a story about two puppies") }

// failingRequest is recorded with a fault three events in.
func failingRequest() *rockstream.Request { return contractAsk("Tell me a story that breaks off") }

// stallingRequest is recorded with an hour's silence four events in.
func stallingRequest() *rockstream.Request { return contractAsk("Tell me a story that stops") }

// faultContext carries a builtin fault, in X-Rockstream-Fault's syntax.
func faultContext(tb testing.TB, fault string) context.Context {
	tb.Helper()
	f, err := builtin.ParseFault(fault)
	if err != nil {
		tb.Fatal(err)
	}
	return override.With(context.Background(), builtin.Overrides{Fault: &f})
}

func fastBuiltin() *builtin.Backend { return builtin.New(builtin.Options{Pace: &builtin.Pace{}}) }

// record writes the builtin model's answer to contractRequest, a stream
// of failingRequest that fails mid-stream, and one of stallingRequest
// that goes silent for an hour after four events, into a new directory.
func record(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	rec := replay.NewRecorder(fastBuiltin(), dir, nil)
	for _, s := range []struct {
		ctx context.Context
		req *rockstream.Request
	}{
		{context.Background(), contractRequest()},
		{faultContext(tb, "ModelStreamErrorException,after=3"), failingRequest()},
		{context.Background(), stallingRequest()},
	} {
		for range rec.Stream(s.ctx, s.req) {
		}
	}
	if err := rec.Close(context.Background()); err != nil {
		tb.Fatal(err)
	}
	silence(tb, dir, stallingRequest())
	return dir
}

// silence edits req's recording in dir to wait an hour before its fifth
// event: recording a real hour would take one.
func silence(tb testing.TB, dir string, req *rockstream.Request) {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	key := replay.KeyOf(replay.FromRequest(req))
	for _, p := range paths {
		rec, err := replay.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if rec.Key != key {
			continue
		}
		rec.Events[4].AfterMS = float64(time.Hour / time.Millisecond)
		b, err := json.Marshal(rec)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	tb.Fatal("the stalling stream was not recorded")
}

// player plays dir's recordings at speed (negative: without delays).
func player(tb testing.TB, dir string, speed float64) rockstream.Backend {
	tb.Helper()
	b, err := replay.Open(dir, replay.Options{Speed: speed})
	if err != nil {
		tb.Fatal(err)
	}
	if b.Len() != 3 {
		tb.Fatalf("%d recordings, want 3", b.Len())
	}
	return b
}

func TestContract(t *testing.T) {
	backendtest.Run(t, backendtest.Harness{
		New:     func(tb testing.TB) rockstream.Backend { return player(tb, record(tb), -1) },
		Request: contractRequest,
		FailBefore: func(testing.TB) backendtest.Failure {
			// Nothing was recorded for it.
			return backendtest.Failure{Request: contractAsk("A prompt never recorded")}
		},
		FailMidStream: func(testing.TB) backendtest.Failure {
			return backendtest.Failure{Request: failingRequest()}
		},
		// Played with its recorded delays, so the silence lasts.
		Stall: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Backend: player(tb, record(tb), 1), Request: stallingRequest()}
		},
	})
}

// TestRecorderContract runs the kit on the recorder, which passes the
// builtin model's streams through while it writes them.
func TestRecorderContract(t *testing.T) {
	backendtest.Run(t, backendtest.Harness{
		New: func(tb testing.TB) rockstream.Backend {
			return replay.NewRecorder(fastBuiltin(), tb.TempDir(), nil)
		},
		Request: contractRequest,
		FailBefore: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "ThrottlingException")}
		},
		FailMidStream: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "ModelStreamErrorException,after=3")}
		},
		Stall: func(tb testing.TB) backendtest.Failure {
			return backendtest.Failure{Context: faultContext(tb, "silence=1h,after=4")}
		},
		Invalid: func() *rockstream.Request {
			r := contractRequest()
			r.Guardrail = &rockstream.Guardrail{Identifier: "gr-1", Version: "1"}
			return r
		},
	})
}
