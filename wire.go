package rockstream

import "net/http"

// WireAPI names a wire a request can arrive in and a backend can speak.
type WireAPI string

const (
	// WireInvokeStream is Bedrock's InvokeModelWithResponseStream: a model
	// family's body, answered by event-stream chunk frames.
	WireInvokeStream WireAPI = "bedrock/invoke-with-response-stream"
	// WireConverseStream is Bedrock's ConverseStream.
	WireConverseStream WireAPI = "bedrock/converse-stream"
	// WireAnthropicMessages is Anthropic's Messages API, streamed; on
	// Bedrock it is the Anthropic family's InvokeModelWithResponseStream,
	// whose chunks are the Messages stream's events.
	WireAnthropicMessages WireAPI = "anthropic/messages"
	// WireOpenAIChat is OpenAI's chat completions, streamed.
	WireOpenAIChat WireAPI = "openai/chat-completions"
)

// Wire is a request in its caller's own wire, carried beside its neutral
// form. A backend that speaks API passes Body and Header on unchanged
// (but for the model ID, where routing maps it) and hands each unit of
// the answer to Relay as it came, before yielding the neutral events
// decoded from it, which the server still observes for usage, timing and
// the outcome. A backend that does not speak API ignores Wire and streams
// from the neutral request, which the frontend then encodes.
type Wire struct {
	API WireAPI
	// Body is the request body as the caller sent it.
	Body []byte
	// Header holds the request headers that carry meaning in API
	// (X-Amzn-Bedrock-*, anthropic-beta …), nothing else.
	Header http.Header
	// Relay receives each unit of the upstream answer as it came: a whole
	// event-stream frame for the Bedrock wires, a chunk's JSON for
	// Anthropic Messages, an SSE event's data for OpenAI. The bytes are
	// only valid during the call. more reports that the next unit has
	// already arrived, so the frontend may send both with one write
	// instead of flushing each.
	Relay func(unit []byte, more bool)
}

// Relays reports whether w asks a backend speaking api to pass it on.
func (w *Wire) Relays(api WireAPI) bool {
	return w != nil && w.API == api && w.Relay != nil
}

// Relayed marks a failure whose own unit (an upstream exception frame, an
// error chunk) a backend already handed to Wire.Relay as it came, so the
// frontend does not report it a second time in its own words.
type Relayed struct{ Err error }

func (e *Relayed) Error() string {
	if e.Err == nil {
		return "rockstream: the upstream's failure was relayed"
	}
	return e.Err.Error()
}

func (e *Relayed) Unwrap() error { return e.Err }
