package metrics

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// scripted yields its events, then its error if any.
type scripted struct {
	events []rockstream.Event
	err    error
}

func (s scripted) Stream(ctx context.Context, _ *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		for _, ev := range s.events {
			if !yield(ev, nil) {
				return
			}
		}
		if s.err != nil {
			yield(nil, s.err)
		}
	}
}

func answer(words ...string) []rockstream.Event {
	evs := []rockstream.Event{rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: 7}}}
	for _, w := range words {
		evs = append(evs, rockstream.TextDelta{Text: w})
	}
	return append(evs, rockstream.BlockStop{}, rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 7, OutputTokens: len(words)}})
}

func drain(b rockstream.Backend, model string, limit int) {
	n := 0
	for _, err := range b.Stream(context.Background(), &rockstream.Request{Model: model}) {
		n++
		if err != nil || n == limit {
			return
		}
	}
}

func TestInstrumentCountsOutcomesAndTokens(t *testing.T) {
	const model = catalog.DefaultModel
	m := New()
	drain(m.Instrument(scripted{events: answer("a", " b", " c")}), model, 0)
	drain(m.Instrument(scripted{events: answer("a", " b")[:2], err: rockstream.BedrockError("ThrottlingException", "slow down")}), model, 0)
	drain(m.Instrument(scripted{events: answer("a", " b", " c")}), model, 2)

	checks := []struct {
		name      string
		got, want float64
	}{
		{"complete", testutil.ToFloat64(m.outcomes.WithLabelValues("complete", "")), 1},
		{"error/throttling", testutil.ToFloat64(m.outcomes.WithLabelValues("error", "throttling")), 1},
		{"cancelled", testutil.ToFloat64(m.outcomes.WithLabelValues("cancelled", "")), 1},
		{"output tokens", testutil.ToFloat64(m.tokens.WithLabelValues(model, "output")), 3},
		{"input tokens", testutil.ToFloat64(m.tokens.WithLabelValues(model, "input")), 21},
		{"active", testutil.ToFloat64(m.active), 0},
		{"streams", testutil.ToFloat64(m.streamsServed), 3},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Three streams saw a first token; the complete one had two later gaps,
	// the cancelled one none (it stopped after MessageStart and one delta).
	if n := testutil.CollectAndCount(m.timeToFirst); n != 1 {
		t.Errorf("time-to-first-token series = %d, want 1", n)
	}
}

func TestHandlerServesPrometheusText(t *testing.T) {
	m := New()
	drain(m.Instrument(scripted{events: answer("x")}), "anthropic.claude-3-sonnet-20240229-v1:0", 0)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"rockstream_active_streams 0",
		`gen_ai_server_time_to_first_token_seconds_count{gen_ai_request_model="anthropic.claude-3-sonnet-20240229-v1:0"} 1`,
		`gen_ai_client_token_usage_total{gen_ai_request_model="anthropic.claude-3-sonnet-20240229-v1:0",gen_ai_token_type="output"} 1`,
		`rockstream_stream_outcomes_total{error_class="",outcome="complete"} 1`,
		`rockstream_server_added_latency_seconds_count{stage="first_event"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestInstrumentPassesErrorsThrough(t *testing.T) {
	m := New()
	want := rockstream.BedrockError("ValidationException", "bad")
	var got error
	for _, err := range m.Instrument(scripted{err: want}).Stream(context.Background(), &rockstream.Request{}) {
		got = err
	}
	if !errors.Is(got, want) {
		t.Fatalf("error = %v, want %v", got, want)
	}
}
