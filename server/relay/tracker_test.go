package relay

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestTrackerBoundsOpenStreams(t *testing.T) {
	t.Parallel()
	tr := Tracker{Max: 3, MaxPerKey: 2}
	nop := func(error) {}
	admit := func(key string) (func(), *rockstream.Error) {
		t.Helper()
		return tr.Admit(key, nop)
	}
	refused := func(key string, perKey bool) {
		t.Helper()
		_, err := admit(key)
		if err == nil {
			t.Fatalf("key %q admitted past the bound", key)
		}
		if err.Class != rockstream.ClassThrottling || err.StatusCode != http.StatusTooManyRequests ||
			err.RetryAfter <= 0 || !errors.Is(err, ErrTooManyStreams) {
			t.Errorf("refusal %+v, want a throttling 429 with Retry-After", err)
		}
		if got := strings.Contains(err.Message, "this key's"); got != perKey {
			t.Errorf("refusal %q: per key %v, want %v", err.Message, got, perKey)
		}
	}
	a1, err := admit("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admit("a"); err != nil {
		t.Fatal(err)
	}
	refused("a", true)
	if _, err := admit(""); err != nil {
		t.Fatalf("a stream without a key: %v", err)
	}
	refused("b", false)
	refused("", false)
	a1()
	a1() // a second untrack is harmless
	if n := tr.Open(); n != 2 {
		t.Fatalf("%d open after one ended, want 2", n)
	}
	if _, err := admit("b"); err != nil {
		t.Fatalf("after a stream ended: %v", err)
	}
	refused("a", false)
}

func TestTrackerDefaultsAndNoBound(t *testing.T) {
	t.Parallel()
	nop := func(error) {}
	var def Tracker
	for i := range DefaultMaxStreamsPerKey {
		if _, err := def.Admit("k", nop); err != nil {
			t.Fatalf("stream %d of one key refused: %v", i+1, err)
		}
	}
	if _, err := def.Admit("k", nop); err == nil {
		t.Error("the zero Tracker admitted more than DefaultMaxStreamsPerKey for one key")
	}
	for def.Open() < DefaultMaxStreams {
		if _, err := def.Admit("", nop); err != nil {
			t.Fatalf("stream %d refused: %v", def.Open()+1, err)
		}
	}
	if _, err := def.Admit("", nop); err == nil {
		t.Error("the zero Tracker admitted more than DefaultMaxStreams")
	}

	none := Tracker{Max: -1, MaxPerKey: -1}
	for i := range DefaultMaxStreams + 1 {
		if _, err := none.Admit("k", nop); err != nil {
			t.Fatalf("stream %d refused with no bound: %v", i+1, err)
		}
	}
}

func TestTrackerRefusesAfterShutdown(t *testing.T) {
	t.Parallel()
	var tr Tracker
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Admit("k", func(error) {}); err == nil || !errors.Is(err, ErrShutdown) {
		t.Errorf("after shutdown: %v, want the shutdown error", err)
	}
}
