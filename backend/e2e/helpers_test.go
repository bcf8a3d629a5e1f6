package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"go.uber.org/goleak"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
)

func TestMain(m *testing.M) {
	// No test may reach for the EC2 instance metadata service.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	goleak.VerifyTestMain(m)
}

const (
	sonnet = "anthropic.claude-3-sonnet-20240229-v1:0"
	haiku  = "anthropic.claude-3-haiku-20240307-v1:0"
	llama  = "meta.llama3-8b-instruct-v1:0"
)

// start runs a server on a loopback port until the test ends.
func start(t *testing.T, o server.Options) *server.Running {
	t.Helper()
	r, err := server.Start(context.Background(), o, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// h2cTransport speaks cleartext HTTP/2 with prior knowledge: the AWS SDK's
// event streams over cleartext HTTP/1.1 are cut by a connection race
// (bedrock-wire.md §8.1). Its idle connections close when the test ends.
func h2cTransport(t *testing.T) *http.Transport {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// faultHeader adds a builtin fault header (X-Rockstream-Fault) to every
// request.
type faultHeader struct {
	inner http.RoundTripper
	fault string
}

func (f faultHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(builtin.HeaderFault, f.fault)
	return f.inner.RoundTrip(r)
}

// sdkClient is the official Bedrock Runtime client with only its endpoint
// changed, static credentials and no retries. hc, when not nil, sends its
// requests (to watch or alter them).
func sdkClient(t *testing.T, url string, hc aws.HTTPClient) *bedrockruntime.Client {
	if hc == nil {
		hc = &http.Client{Transport: h2cTransport(t)}
	}
	return bedrockruntime.New(bedrockruntime.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDLOCAL", "local-secret", ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	})
}

// labBody is the workshop lab's Anthropic Messages body.
func labBody(prompt string, maxTokens int) []byte {
	b, _ := json.Marshal(map[string]any{
		"anthropic_version": "bedrock-2023-05-31",
		"max_tokens":        maxTokens,
		"temperature":       0,
		"messages":          []map[string]any{{"role": "user", "content": prompt}},
	})
	return b
}

// labRequest is the neutral request labBody decodes to.
func labRequest(model, prompt string, maxTokens int) *rockstream.Request {
	zero := 0.0
	return &rockstream.Request{Model: model, MaxTokens: maxTokens, Temperature: &zero,
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}
}

// answer is what a client saw of one stream.
type answer struct {
	pieces  []string // text deltas in order
	stop    string
	in, out int // usage as the stream reported it
	err     error
}

// expected is what the builtin model answers to req, as a client sees it.
type expected struct {
	pieces  []string
	stop    string
	in, out int
}

func expect(req *rockstream.Request) expected {
	pieces := builtin.Tokens(req)
	stop := "end_turn"
	whole := *req
	whole.MaxTokens = 0
	if len(builtin.Tokens(&whole)) > len(pieces) {
		stop = "max_tokens"
	}
	return expected{pieces: pieces, stop: stop, in: builtin.InputTokens(req), out: len(pieces)}
}

// check reports how a differs from the expected answer. Invoke and
// Converse spell the stop reasons the builtin gives alike.
func (e expected) check(t *testing.T, name string, a answer) {
	t.Helper()
	if a.err != nil {
		t.Errorf("%s: %v", name, a.err)
		return
	}
	if !slices.Equal(a.pieces, e.pieces) {
		t.Errorf("%s: text pieces\n%q\nwant\n%q", name, a.pieces, e.pieces)
	}
	if a.stop != e.stop || a.in != e.in || a.out != e.out {
		t.Errorf("%s: stop %q, usage in %d out %d; want %q, in %d out %d", name, a.stop, a.in, a.out, e.stop, e.in, e.out)
	}
}

// invoke streams body through InvokeModelWithResponseStream and reads the
// Anthropic chunks. A failure before the stream is in err too.
func invoke(ctx context.Context, c *bedrockruntime.Client, model string, body []byte) answer {
	out, err := c.InvokeModelWithResponseStream(ctx, &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(model), Body: body,
	})
	if err != nil {
		return answer{err: err}
	}
	stream := out.GetStream()
	defer stream.Close()
	var a answer
	for ev := range stream.Events() {
		chunk, ok := ev.(*types.ResponseStreamMemberChunk)
		if !ok {
			a.err = fmt.Errorf("unexpected member %T", ev)
			return a
		}
		if err := a.addChunk(chunk.Value.Bytes); err != nil {
			a.err = err
			return a
		}
	}
	a.err = stream.Err()
	return a
}

// anthropicChunk holds the fields of Anthropic's stream chunks the tests
// read.
type anthropicChunk struct {
	Type    string `json:"type"`
	Message struct {
		Usage struct {
			InputTokens int `json:"input_tokens"`
		} `json:"usage"`
	} `json:"message"`
	Delta struct {
		Type       string `json:"type"`
		Text       string `json:"text"`
		StopReason string `json:"stop_reason"`
	} `json:"delta"`
	Usage struct {
		OutputTokens int `json:"output_tokens"`
	} `json:"usage"`
	Metrics *struct {
		InputTokenCount  int `json:"inputTokenCount"`
		OutputTokenCount int `json:"outputTokenCount"`
	} `json:"amazon-bedrock-invocationMetrics"`
}

func (a *answer) addChunk(b []byte) error {
	var c anthropicChunk
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("chunk %s: %w", b, err)
	}
	switch c.Type {
	case "message_start":
		a.in = c.Message.Usage.InputTokens
	case "content_block_delta":
		if c.Delta.Type == "text_delta" {
			a.pieces = append(a.pieces, c.Delta.Text)
		}
	case "message_delta":
		a.stop, a.out = c.Delta.StopReason, c.Usage.OutputTokens
	case "message_stop":
		// Bedrock's invocation metrics are the whole stream's usage.
		if m := c.Metrics; m != nil {
			a.in, a.out = m.InputTokenCount, m.OutputTokenCount
		}
	}
	return nil
}

// converse streams a one-message conversation through ConverseStream.
func converse(ctx context.Context, c *bedrockruntime.Client, model, prompt string, maxTokens int) answer {
	out, err := c.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{
		ModelId: aws.String(model),
		Messages: []types.Message{{Role: types.ConversationRoleUser,
			Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: prompt}}}},
		InferenceConfig: &types.InferenceConfiguration{MaxTokens: aws.Int32(int32(maxTokens)), Temperature: aws.Float32(0)},
	})
	if err != nil {
		return answer{err: err}
	}
	stream := out.GetStream()
	defer stream.Close()
	var a answer
	for ev := range stream.Events() {
		switch v := ev.(type) {
		case *types.ConverseStreamOutputMemberContentBlockDelta:
			if d, ok := v.Value.Delta.(*types.ContentBlockDeltaMemberText); ok {
				a.pieces = append(a.pieces, d.Value)
			}
		case *types.ConverseStreamOutputMemberMessageStop:
			a.stop = string(v.Value.StopReason)
		case *types.ConverseStreamOutputMemberMetadata:
			if u := v.Value.Usage; u != nil {
				a.in, a.out = int(aws.ToInt32(u.InputTokens)), int(aws.ToInt32(u.OutputTokens))
			}
		}
	}
	a.err = stream.Err()
	return a
}

// streamEnd is how a backend's stream ended, as a probe saw it.
type streamEnd struct {
	events  int
	stopped bool  // MessageStop passed through
	ctxErr  error // the stream's context at the end
}

// probe passes a backend's streams through and reports how each ended,
// so a test can see that a reader leaving reached the upstream.
type probe struct {
	next  rockstream.Backend
	ended chan streamEnd
	mu    sync.Mutex
	reqs  []string // models requested, in order
}

func newProbe(next rockstream.Backend) *probe {
	return &probe{next: next, ended: make(chan streamEnd, 64)}
}

func (p *probe) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		p.mu.Lock()
		p.reqs = append(p.reqs, req.Model)
		p.mu.Unlock()
		var end streamEnd
		defer func() {
			end.ctxErr = ctx.Err()
			p.ended <- end
		}()
		for ev, err := range p.next.Stream(ctx, req) {
			if err == nil {
				end.events++
				if _, ok := ev.(rockstream.MessageStop); ok {
					end.stopped = true
				}
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

func (p *probe) models() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.reqs...)
}

// waitEnd waits for the next stream through p to end. The limit only
// keeps a broken build from hanging; it is not a timing assertion.
func (p *probe) waitEnd(t *testing.T) streamEnd {
	t.Helper()
	select {
	case end := <-p.ended:
		return end
	case <-time.After(20 * time.Second):
		t.Fatal("the upstream stream never ended")
		return streamEnd{}
	}
}
