package anthropic

import (
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
)

// FromMessagesRequest parses and validates a first-party Messages API body
// (with "model" and optional "stream", without anthropic_version).
// Failures are *rockstream.Error of class validation in the API's words.
func FromMessagesRequest(body []byte) (req *rockstream.Request, stream bool, err error) {
	return decodeRequest(body, firstPartyStyle)
}

// FromCountTokensRequest parses and validates a first-party count_tokens
// body: a Messages request without max_tokens, stream or sampling
// parameters. Failures are as FromMessagesRequest's.
func FromCountTokensRequest(body []byte) (*rockstream.Request, error) {
	req, _, err := (&checker{style: firstPartyStyle}).requestWith(body, countBody)
	return req, err
}

// ToMessagesRequest builds a first-party Messages API body for req. What
// the API cannot carry (guardrails, Bedrock's metadata, latency, tiers,
// output configuration) is refused by name. Beta flags are not in the body:
// they travel in the anthropic-beta header, whose value BetaHeader gives.
func ToMessagesRequest(req *rockstream.Request, stream bool) ([]byte, error) {
	if err := req.CheckFeatures(firstPartyTarget, slices.Concat(firstPartyCarried, []rockstream.Feature{rockstream.FeatureAnthropicBeta})...); err != nil {
		return nil, err
	}
	w, err := toWire(req, firstPartyTarget)
	if err != nil {
		return nil, err
	}
	w.Model, w.Stream = req.Model, stream
	return marshal(w)
}

// BetaHeader is the anthropic-beta header value for req's beta flags,
// empty when it has none.
func BetaHeader(req *rockstream.Request) string {
	return strings.Join(req.AnthropicBeta, ",")
}

// ApplyBetaHeader reads the anthropic-beta header (comma-separated flags)
// of a first-party Messages request into req.
func ApplyBetaHeader(req *rockstream.Request, value string) {
	for _, f := range strings.Split(value, ",") {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(req.AnthropicBeta, f) {
			req.AnthropicBeta = append(req.AnthropicBeta, f)
		}
	}
}

// SSEEvent is one server-sent event of the Messages stream; Name is the
// JSON "type" of Data.
type SSEEvent struct {
	Name string
	Data []byte
}

// SSEEncoder turns neutral events into the first-party Messages stream:
// msg_/toolu_ IDs and no Bedrock invocation metrics.
type SSEEncoder struct{ e eventEncoder }

// NewSSEEncoder returns an encoder for one stream.
func NewSSEEncoder() *SSEEncoder { return &SSEEncoder{e: newEventEncoder(false)} }

// Encode returns the events for ev; MessageStop yields only the stops of
// blocks still open, its message_delta and message_stop follow Metadata.
func (s *SSEEncoder) Encode(ev rockstream.Event) ([]SSEEvent, error) {
	err := s.e.encode(ev)
	return s.drain(), err
}

// Flush returns message_delta and message_stop when MessageStop is held
// because Metadata never came; nothing otherwise.
func (s *SSEEncoder) Flush() ([]SSEEvent, error) {
	err := s.e.flush()
	return s.drain(), err
}

func (s *SSEEncoder) drain() []SSEEvent {
	if len(s.e.out) == 0 {
		return nil
	}
	out := make([]SSEEvent, len(s.e.out))
	for i, c := range s.e.out {
		out[i] = SSEEvent{Name: c.typ, Data: c.data}
	}
	s.e.out = s.e.out[:0]
	return out
}
