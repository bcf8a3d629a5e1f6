package capture_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

// result is one call seen from both ends: what the caller sent and
// received, and what the upstream received and answered.
type result struct {
	sent       []byte // the request body the caller sent
	sentHeader http.Header
	status     int
	header     http.Header
	got        []byte // the response body as the caller received it
	// sdkText and sdkErr are what the AWS SDK decoded, for SDK calls.
	sdkText string
	sdkErr  error
	up      []*exchange
	model   *fakebackend.Backend
}

// check asserts one thing about a result.
type check func(t tb, r *result)

// tb is what a check reports to: a *testing.T, or a probe that only
// counts failures.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// only is the one exchange the upstream had; it fails the test otherwise.
func (r *result) only(t tb) *exchange {
	t.Helper()
	if len(r.up) != 1 {
		t.Fatalf("the upstream received %d requests, want 1", len(r.up))
	}
	return r.up[0]
}

// status wants the caller to get code.
func status(code int) check {
	return func(t tb, r *result) {
		t.Helper()
		if r.status != code {
			t.Fatalf("status %d, want %d; body %.300q", r.status, code, r.got)
		}
	}
}

// arrived wants exactly one upstream request, of method to uri as it
// went on the wire (escaped).
func arrived(method, uri string) check {
	return func(t tb, r *result) {
		t.Helper()
		ex := r.only(t)
		if ex.Method != method || ex.URI != uri {
			t.Errorf("upstream got %s %s, want %s %s", ex.Method, ex.URI, method, uri)
		}
	}
}

// bodyAsSent wants the upstream body byte for byte as the caller sent it.
func bodyAsSent() check {
	return func(t tb, r *result) {
		t.Helper()
		if got := r.only(t).Body; !bytes.Equal(got, r.sent) {
			t.Errorf("upstream body\n%s\nwant the caller's\n%s", got, r.sent)
		}
	}
}

// bodyIs wants the upstream body to be want, byte for byte.
func bodyIs(want string) check {
	return func(t tb, r *result) {
		t.Helper()
		if got := r.only(t).Body; string(got) != want {
			t.Errorf("upstream body\n%s\nwant\n%s", got, want)
		}
	}
}

// bodyRenamed wants the caller's body with only the model's value
// replaced, in place.
func bodyRenamed(from, to string) check {
	return func(t tb, r *result) {
		t.Helper()
		old := `"model":` + jsonString(from)
		if !bytes.Contains(r.sent, []byte(old)) {
			t.Fatalf("the caller's body has no %s", old)
		}
		want := bytes.Replace(r.sent, []byte(old), []byte(`"model":`+jsonString(to)), 1)
		if got := r.only(t).Body; !bytes.Equal(got, want) {
			t.Errorf("upstream body\n%s\nwant\n%s", got, want)
		}
	}
}

// headersAsSent wants each named header upstream as the caller sent it.
func headersAsSent(names ...string) check {
	return func(t tb, r *result) {
		t.Helper()
		ex := r.only(t)
		for _, n := range names {
			want := r.sentHeader.Values(n)
			if len(want) == 0 {
				t.Fatalf("the caller sent no %s", n)
			}
			if got := ex.Header.Values(n); !slices.Equal(got, want) {
				t.Errorf("upstream header %s = %q, want %q", n, got, want)
			}
		}
	}
}

// framesRelayed wants the caller to receive the upstream's event-stream
// answer byte for byte: relayed, not decoded and encoded again. last is
// the message type the answer ends with ("event", or "exception" when
// the upstream failed mid-stream).
func framesRelayed(last string) check {
	return func(t tb, r *result) {
		t.Helper()
		code, answer := r.only(t).answered()
		if code != http.StatusOK {
			t.Fatalf("upstream answered %d: %s", code, answer)
		}
		want := frames(t, answer)
		if len(want) < 3 || want[len(want)-1].kind != last {
			t.Fatalf("upstream answered %d frames ending in %q; the case needs a real stream ending in %q",
				len(want), want[len(want)-1].kind, last)
		}
		if bytes.Equal(r.got, answer) {
			return
		}
		got := frames(t, r.got)
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || !bytes.Equal(got[i].raw, want[i].raw) {
				t.Errorf("the caller got %d frames, the upstream sent %d; frame %d differs:\n%s\nwant\n%s",
					len(got), len(want), i, showFrame(got, i), showFrame(want, i))
				return
			}
		}
	}
}

// chunksAsSSE wants the caller's server-sent events to be the upstream's
// chunks: each event's data the chunk's JSON as it came, named by its
// type.
func chunksAsSSE() check {
	return func(t tb, r *result) {
		t.Helper()
		_, answer := r.only(t).answered()
		var want []sse.Event
		for _, f := range frames(t, answer) {
			if f.kind != "event" || f.typ != "chunk" {
				t.Fatalf("upstream sent a %q frame", f.typ)
			}
			want = append(want, sse.Event{Name: chunkType(t, f.chunk), Data: f.chunk})
		}
		got := events(t, r.got)
		if len(want) < 3 || !sameEvents(got, want) {
			t.Errorf("the caller's events\n%s\nwant the upstream's chunks\n%s", showEvents(got), showEvents(want))
		}
	}
}

// sseRelayed wants the caller's events to carry the upstream's event data
// unchanged, [DONE] included.
func sseRelayed() check {
	return func(t tb, r *result) {
		t.Helper()
		_, answer := r.only(t).answered()
		want, got := events(t, answer), events(t, r.got)
		if len(want) < 3 || !sameEvents(got, want) {
			t.Errorf("the caller's events\n%s\nwant the upstream's\n%s", showEvents(got), showEvents(want))
		}
	}
}

// errShape is how a dialect writes a refusal.
type errShape string

const (
	bedrockErr   errShape = "bedrock"   // x-amzn-ErrorType, {"message":…}
	openaiErr    errShape = "openai"    // {"error":{"message":…,"type":…}}
	anthropicErr errShape = "anthropic" // {"type":"error","error":{…}}
)

// refusal reads r as a validation refusal in shape's words and returns
// its message.
func (r *result) refusal(t tb, shape errShape) string {
	t.Helper()
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %.300q", r.status, r.got)
	}
	var msg, typ string
	switch shape {
	case bedrockErr:
		var b struct {
			Message string `json:"message"`
		}
		mustJSON(t, r.got, &b)
		msg, typ = b.Message, strings.SplitN(r.header.Get("X-Amzn-Errortype"), ":", 2)[0]
		if typ != "ValidationException" {
			t.Errorf("x-amzn-ErrorType %q, want ValidationException", r.header.Get("X-Amzn-Errortype"))
		}
	case openaiErr:
		var b struct {
			Error struct{ Message, Type string } `json:"error"`
		}
		mustJSON(t, r.got, &b)
		msg, typ = b.Error.Message, b.Error.Type
		if typ != "invalid_request_error" {
			t.Errorf("error type %q, want invalid_request_error", typ)
		}
	case anthropicErr:
		var b struct {
			Type  string                         `json:"type"`
			Error struct{ Message, Type string } `json:"error"`
		}
		mustJSON(t, r.got, &b)
		msg, typ = b.Error.Message, b.Error.Type
		if b.Type != "error" || typ != "invalid_request_error" {
			t.Errorf("error %q/%q, want error/invalid_request_error", b.Type, typ)
		}
	}
	return msg
}

// refused wants a 400 in shape naming every word, and nothing upstream.
func refused(shape errShape, words ...string) check {
	return func(t tb, r *result) {
		t.Helper()
		msg := r.refusal(t, shape)
		for _, w := range words {
			if !strings.Contains(msg, w) {
				t.Errorf("refusal %q does not name %q", msg, w)
			}
		}
		if len(r.up) != 0 {
			t.Errorf("a refused request reached the upstream: %s %s", r.up[0].Method, r.up[0].URI)
		}
	}
}

// arrivesOrRefused wants field never dropped: either the call succeeds
// and needle is in what arrived upstream (body or headers), or it is
// refused in shape naming word with nothing upstream. found, when set,
// checks what arrived further.
func arrivesOrRefused(shape errShape, needle, word string, found ...check) check {
	return func(t tb, r *result) {
		t.Helper()
		if r.status != http.StatusOK {
			refused(shape, word)(t, r)
			t.Logf("refused by name: %s", r.got)
			return
		}
		ex := r.only(t)
		if !bytes.Contains(ex.Body, []byte(needle)) && !headerHas(ex.Header, needle) {
			t.Errorf("answered 200 but %q never reached the upstream: %s %s\n%s", needle, ex.Method, ex.URI, ex.Body)
		}
		for _, c := range found {
			c(t, r)
		}
		t.Logf("arrived upstream: %s %s", ex.Method, ex.URI)
	}
}

// modelSaw checks the request the Bedrock stand-in's runtime decoded
// from what arrived: proof that the fields arrived with their meaning.
func modelSaw(f func(t tb, req *rockstream.Request)) check {
	return func(t tb, r *result) {
		t.Helper()
		req := r.model.LastRequest()
		if req == nil {
			t.Fatalf("the upstream's model received no request")
		}
		f(t, req)
	}
}

// notForwarded wants the caller's value of each named header kept from
// the upstream: the backend authenticates as itself.
func notForwarded(names ...string) check {
	return func(t tb, r *result) {
		t.Helper()
		ex := r.only(t)
		for _, n := range names {
			if v := r.sentHeader.Get(n); v != "" && ex.Header.Get(n) == v {
				t.Errorf("the caller's %s reached the upstream", n)
			}
		}
	}
}

// chatText wants the caller's chat completion chunks to spell want and
// end with [DONE]: an answer converted from another dialect.
func chatText(want string) check {
	return func(t tb, r *result) {
		t.Helper()
		evs := events(t, r.got)
		if len(evs) == 0 || string(evs[len(evs)-1].Data) != "[DONE]" {
			t.Fatalf("the stream does not end with [DONE]:\n%s", showEvents(evs))
		}
		var text strings.Builder
		for _, ev := range evs[:len(evs)-1] {
			var c struct {
				Choices []struct {
					Delta struct{ Content string } `json:"delta"`
				} `json:"choices"`
			}
			mustJSON(t, ev.Data, &c)
			for _, ch := range c.Choices {
				text.WriteString(ch.Delta.Content)
			}
		}
		if text.String() != want {
			t.Errorf("the caller read %q, want %q", text.String(), want)
		}
	}
}

// sdkText wants the AWS SDK to have decoded the relayed stream to text.
func sdkText(want string) check {
	return func(t tb, r *result) {
		t.Helper()
		if r.sdkErr != nil {
			t.Fatalf("the AWS SDK: %v", r.sdkErr)
		}
		if r.sdkText != want {
			t.Errorf("the AWS SDK decoded %q, want %q", r.sdkText, want)
		}
	}
}
