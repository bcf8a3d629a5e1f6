// Package openai is a backend that streams from any OpenAI-compatible chat
// completions server (Ollama, vLLM, llama.cpp, another rockstream), so
// every rockstream frontend, the Bedrock Runtime wire included, works in
// front of a local model.
package openaicompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
	"github.com/rockstream/rockstream/internal/sse"
)

// Options configure the backend.
type Options struct {
	// BaseURL is the server's API root, e.g. http://127.0.0.1:11434/v1;
	// requests go to BaseURL + "/chat/completions".
	BaseURL string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// Models maps rockstream model IDs to the server's model names; "*"
	// maps every ID not listed. IDs not mapped pass through unchanged.
	Models map[string]string
	// HTTPClient sends the requests (http.DefaultClient if nil). It must
	// not time out whole responses: streams are long.
	HTTPClient *http.Client
}

// Backend streams chat completions.
type Backend struct {
	opts  Options
	url   string
	scrub scrubber // keeps BaseURL's password out of errors
}

var _ rockstream.Backend = (*Backend)(nil)

// New returns a backend for the server at opts.BaseURL.
func New(opts Options) (*Backend, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("openai backend: an upstream URL is required")
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	return &Backend{opts: opts, url: strings.TrimRight(opts.BaseURL, "/") + "/chat/completions",
		scrub: newScrubber(opts.BaseURL)}, nil
}

// ReadModelMap reads a JSON object mapping model IDs to upstream names.
func ReadModelMap(file string) (map[string]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("openai backend: model map %s: %w", file, err)
	}
	return m, nil
}

// upstreamModel is the server's name for model.
func (b *Backend) upstreamModel(model string) string {
	if m, ok := b.opts.Models[model]; ok {
		return m
	}
	if m, ok := b.opts.Models["*"]; ok {
		return m
	}
	return model
}

// Stream sends req and yields the server's stream as neutral events.
func (b *Backend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yieldRaw func(rockstream.Event, error) bool) {
		yield := func(ev rockstream.Event, err error) bool { return yieldRaw(ev, b.scrub.err(err)) }
		if req == nil {
			yield(nil, rockstream.Validationf("there is no request to stream"))
			return
		}
		body, err := b.body(req)
		var relay func([]byte, bool)
		if req.Wire.Relays(rockstream.WireOpenAIChat) {
			body, err = b.passBody(req)
			relay = req.Wire.Relay
		}
		if err != nil {
			yield(nil, err)
			return
		}
		// Leaving the loop must end the upstream request at once.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		resp, err := b.post(ctx, body)
		if err != nil {
			yield(nil, err)
			return
		}
		defer resp.Body.Close()
		decode(ctx, resp.Body, relay, yield)
	}
}

func (b *Backend) body(req *rockstream.Request) ([]byte, error) {
	up := *req
	up.Model = b.upstreamModel(req.Model)
	cr, err := openai.ToChatRequest(&up, true)
	var refusal *rockstream.Error
	if errors.As(err, &refusal) {
		return nil, refusal // already typed: names what the upstream cannot carry
	}
	if err != nil {
		return nil, &rockstream.Error{Class: rockstream.ClassValidation, Code: "ValidationException", StatusCode: http.StatusBadRequest, Message: err.Error(), Err: err}
	}
	return json.Marshal(cr)
}

func (b *Backend) post(ctx context.Context, body []byte) (*http.Response, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream")
	if b.opts.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+b.opts.APIKey)
	}
	resp, err := b.opts.HTTPClient.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &rockstream.Error{Class: rockstream.ClassUnavailable, StatusCode: http.StatusBadGateway, Retryable: true,
			Message: fmt.Sprintf("the OpenAI-compatible upstream at %s cannot be reached: %v", b.opts.BaseURL, err), Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, upstreamError(resp)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		resp.Body.Close()
		return nil, &rockstream.Error{Class: rockstream.ClassProtocol, StatusCode: http.StatusBadGateway,
			Message: fmt.Sprintf("the upstream at %s answered %q, not an event stream: is it an OpenAI-compatible server?", b.opts.BaseURL, mt)}
	}
	return resp, nil
}

// upstreamError turns a non-200 answer into a typed error.
func upstreamError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body openai.ErrorBody
	if json.Unmarshal(raw, &body) == nil && body.Error.Message != "" {
		return openai.ErrorFromObject(body.Error, resp.StatusCode)
	}
	msg := strings.TrimSpace(string(raw))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return &rockstream.Error{Class: classOf(resp.StatusCode), StatusCode: resp.StatusCode,
		Retryable: resp.StatusCode == 429 || resp.StatusCode >= 500,
		Message:   fmt.Sprintf("upstream answered HTTP %d: %s", resp.StatusCode, msg)}
}

func classOf(status int) rockstream.ErrorClass {
	switch {
	case status == 400 || status == 422:
		return rockstream.ClassValidation
	case status == 401 || status == 403:
		return rockstream.ClassAuth
	case status == 404:
		return rockstream.ClassNotFound
	case status == 429:
		return rockstream.ClassThrottling
	case status == 503 || status == 529:
		return rockstream.ClassUnavailable
	}
	return rockstream.ClassInternal
}

// decode reads the SSE body and yields neutral events until [DONE], the
// end of the body, or the reader leaving.
// decode reads the upstream's chunks; relay, when set, receives each
// chunk's data as it came before its events are yielded.
func decode(ctx context.Context, body io.Reader, relay func([]byte, bool), yield func(rockstream.Event, error) bool) {
	r := sse.NewReader(body)
	dec := openai.NewChunkDecoder()
	var evs []rockstream.Event
	emit := func() bool {
		for _, ev := range evs {
			if !yield(ev, nil) {
				return false
			}
		}
		evs = evs[:0]
		return true
	}
	for {
		msg, err := r.Next()
		if relay != nil && err == nil && !msg.IsComment {
			relay(msg.Data, false)
		}
		if err == io.EOF || err == nil && msg.IsDone() {
			evs = dec.Flush(evs)
			if !emit() {
				return
			}
			if !dec.Done() {
				yield(nil, incomplete(nil))
			}
			return
		}
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			} else {
				err = incomplete(err)
			}
			yield(nil, err)
			return
		}
		evs, err = dec.Decode(evs, msg.Data)
		if !emit() {
			return
		}
		if err != nil {
			if relay != nil { // the error chunk went to the caller as it came
				err = relayed(err)
			}
			yield(nil, err)
			return
		}
	}
}

func incomplete(cause error) error {
	msg := "the upstream stream ended before its finish_reason"
	if cause != nil {
		msg += ": " + cause.Error()
	}
	return &rockstream.Error{Class: rockstream.ClassInterrupted, StatusCode: http.StatusBadGateway, InStream: true,
		Message: msg, Err: errors.Join(rockstream.ErrIncomplete, cause)}
}
