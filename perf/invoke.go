package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/bench"
	"github.com/rockstream/rockstream/internal/eventframe"
)

// Invoker is a lean InvokeModelWithResponseStream client for an Anthropic
// model: one HTTP/2 POST with a bearer token, frames read with
// internal/eventframe, text deltas picked out of the chunk JSON. It
// spends far less CPU per token than the AWS SDK, which matters when the
// load generator shares two cores with the processes it measures. It
// implements bench.Driver.
type Invoker struct {
	target bench.Target
	url    string
	body   []byte
	// OnOpen, when set, is called once per stream when its first
	// event-stream frame arrives: the idle-stream measurement counts open
	// streams with it.
	OnOpen func()
}

var _ bench.Driver = (*Invoker)(nil)

// NewInvoker prepares the request t describes.
func NewInvoker(t bench.Target) (*Invoker, error) {
	body, err := json.Marshal(map[string]any{
		"anthropic_version": "bedrock-2023-05-31",
		"max_tokens":        t.MaxTokens,
		"temperature":       0,
		"messages": []map[string]any{{"role": "user", "content": []map[string]string{
			{"type": "text", "text": t.Prompt},
		}}},
	})
	if err != nil {
		return nil, err
	}
	u := strings.TrimRight(t.URL, "/") + "/model/" + url.PathEscape(t.Model) + "/invoke-with-response-stream"
	return &Invoker{target: t, url: u, body: body}, nil
}

// Stream sends the request and calls onToken for each text delta.
func (c *Invoker) Stream(ctx context.Context, onToken func(string)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(c.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/vnd.amazon.eventstream")
	req.Header.Set("Authorization", "Bearer perf")
	for k, vs := range c.target.Header {
		req.Header[k] = vs
	}
	hc := c.target.Client
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &rockstream.Error{Class: rockstream.ClassUnknown, StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))}
	}
	body := &causeReader{r: resp.Body}
	err = c.read(body, onToken)
	if body.err != nil && body.err != io.EOF && errors.Is(err, io.ErrUnexpectedEOF) {
		// The frame reader reports every failed read as a cut frame;
		// say what the transport said.
		err = &rockstream.Error{Class: rockstream.ClassInterrupted, Message: body.err.Error(), Err: body.err}
	}
	return err
}

// causeReader remembers the last read error.
type causeReader struct {
	r   io.Reader
	err error
}

func (c *causeReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// read decodes frames until the model's message_stop, then reads the body
// to its end as SDKs do, so that an HTTP/1.1 connection can be reused.
func (c *Invoker) read(body io.Reader, onToken func(string)) error {
	r := eventframe.NewReader(body)
	var inner []byte
	for first := true; ; first = false {
		m, err := r.Next()
		if err == io.EOF {
			return rockstream.ErrIncomplete
		}
		if err != nil {
			return &rockstream.Error{Class: rockstream.ClassInterrupted, Message: err.Error(), Err: err}
		}
		if first && c.OnOpen != nil {
			c.OnOpen()
		}
		if t := string(m.Get(":message-type")); t != "event" {
			return &rockstream.Error{Class: rockstream.ClassModel, InStream: true,
				Code: string(m.Get(":exception-type")), Message: string(m.Payload)}
		}
		if string(m.Get(":event-type")) != "chunk" {
			continue
		}
		if inner, err = eventframe.ChunkBytes(inner, m.Payload); err != nil {
			return &rockstream.Error{Class: rockstream.ClassProtocol, Message: err.Error(), Err: err}
		}
		done, err := textOf(inner, onToken)
		if err != nil {
			return err
		}
		if done {
			_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
			return nil
		}
	}
}

var (
	deltaType = []byte(`"content_block_delta"`)
	stopType  = []byte(`"message_stop"`)
)

// textOf passes on the text of a content_block_delta chunk and reports
// whether chunk is the final message_stop. Other chunks are skipped
// without a full decode.
func textOf(chunk []byte, onToken func(string)) (done bool, err error) {
	switch {
	case bytes.Contains(chunk, deltaType):
		var ev struct {
			Delta struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"delta"`
		}
		if err := json.Unmarshal(chunk, &ev); err != nil {
			return false, &rockstream.Error{Class: rockstream.ClassProtocol, Message: "bad chunk: " + err.Error()}
		}
		if ev.Delta.Type == "text_delta" {
			onToken(ev.Delta.Text)
		}
		return false, nil
	case bytes.Contains(chunk, stopType):
		return true, nil
	}
	return false, nil
}
