package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/sse"
)

// Target says what to send and where.
type Target struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8080.
	URL       string
	Model     string
	Prompt    string
	MaxTokens int
	// Header is added to every request (e.g. X-Rockstream-Pace).
	Header http.Header
	// Client sends the requests (http.DefaultClient if nil).
	Client *http.Client
}

// Request is the neutral request every driver sends for t, so a caller
// can compute the answer it expects.
func (t Target) Request() *rockstream.Request {
	zero := 0.0
	return &rockstream.Request{
		Model:       t.Model,
		Messages:    []rockstream.Message{rockstream.UserText(t.Prompt)},
		MaxTokens:   t.MaxTokens,
		Temperature: &zero,
	}
}

func (t Target) client() *http.Client {
	if t.Client != nil {
		return t.Client
	}
	return http.DefaultClient
}

// post sends body to path and returns the response if it is a 200 stream.
func (t Target) post(ctx context.Context, path string, body any) (*http.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(t.URL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range t.Header {
		req.Header[k] = vs
	}
	resp, err := t.client().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, &rockstream.Error{
			Class:      classForStatus(resp.StatusCode),
			StatusCode: resp.StatusCode,
			Message:    fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg)),
		}
	}
	return resp, nil
}

func classForStatus(status int) rockstream.ErrorClass {
	for _, c := range []rockstream.ErrorClass{rockstream.ClassThrottling, rockstream.ClassValidation,
		rockstream.ClassNotFound, rockstream.ClassAuth, rockstream.ClassUnavailable, rockstream.ClassTimeout} {
		if rockstream.ClassStatus(c) == status {
			return c
		}
	}
	if status == 529 {
		return rockstream.ClassUnavailable
	}
	return rockstream.ClassUnknown
}

// OpenAI streams from POST /v1/chat/completions.
func OpenAI(t Target) Driver {
	return DriverFunc(func(ctx context.Context, onToken func(string)) error {
		resp, err := t.post(ctx, "/v1/chat/completions", map[string]any{
			"model": t.Model, "stream": true, "max_tokens": t.MaxTokens, "temperature": 0,
			"messages": []map[string]string{{"role": "user", "content": t.Prompt}},
		})
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		r := sse.NewReader(resp.Body)
		finished := false
		for {
			msg, err := r.Next()
			if err == io.EOF {
				if !finished {
					return interrupted(rockstream.ErrIncomplete)
				}
				return nil
			}
			if err != nil {
				return interrupted(err)
			}
			if msg.IsDone() {
				finished = true
				continue
			}
			var chunk struct {
				Choices []struct {
					Delta struct {
						Content string `json:"content"`
					} `json:"delta"`
					FinishReason *string `json:"finish_reason"`
				} `json:"choices"`
				Error *struct {
					Message string `json:"message"`
					Type    string `json:"type"`
				} `json:"error"`
			}
			if err := json.Unmarshal(msg.Data, &chunk); err != nil {
				return &rockstream.Error{Class: rockstream.ClassProtocol, Message: "bad chunk: " + err.Error()}
			}
			if chunk.Error != nil {
				return &rockstream.Error{Class: rockstream.ClassModel, InStream: true, Message: chunk.Error.Message}
			}
			for _, c := range chunk.Choices {
				if c.Delta.Content != "" {
					onToken(c.Delta.Content)
				}
			}
		}
	})
}

// Anthropic streams from POST /v1/messages.
func Anthropic(t Target) Driver {
	return DriverFunc(func(ctx context.Context, onToken func(string)) error {
		resp, err := t.post(ctx, "/v1/messages", map[string]any{
			"model": t.Model, "stream": true, "max_tokens": t.MaxTokens, "temperature": 0,
			"messages": []map[string]string{{"role": "user", "content": t.Prompt}},
		})
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		r := sse.NewReader(resp.Body)
		for {
			msg, err := r.Next()
			if err == io.EOF {
				return interrupted(rockstream.ErrIncomplete)
			}
			if err != nil {
				return interrupted(err)
			}
			switch msg.Name {
			case "message_stop":
				return nil
			case "error":
				return &rockstream.Error{Class: rockstream.ClassModel, InStream: true, Message: string(msg.Data)}
			case "content_block_delta":
				var ev struct {
					Delta struct {
						Type string `json:"type"`
						Text string `json:"text"`
					} `json:"delta"`
				}
				if err := json.Unmarshal(msg.Data, &ev); err != nil {
					return &rockstream.Error{Class: rockstream.ClassProtocol, Message: "bad event: " + err.Error()}
				}
				if ev.Delta.Type == "text_delta" {
					onToken(ev.Delta.Text)
				}
			}
		}
	})
}

func interrupted(err error) error {
	var e *rockstream.Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &rockstream.Error{Class: rockstream.ClassInterrupted, Message: err.Error(), Err: err}
}
