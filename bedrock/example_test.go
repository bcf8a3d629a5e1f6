package bedrock_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/bedrock"
)

// fakeBedrock stands in for Bedrock Runtime: it streams a short Claude
// answer as InvokeModelWithResponseStream chunk frames over TLS.
func fakeBedrock() *httptest.Server {
	chunks := []string{
		`{"type":"message_start","message":{"id":"msg_bdrk_1","model":"claude","usage":{"input_tokens":9,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Two puppies"}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" met two kittens."}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6}}`,
		`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,"outputTokenCount":6,"invocationLatency":120,"firstByteLatency":40}}`,
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		enc := eventstream.NewEncoder()
		for _, c := range chunks {
			var msg eventstream.Message
			msg.Headers.Set(":event-type", eventstream.StringValue("chunk"))
			msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
			msg.Headers.Set(":message-type", eventstream.StringValue("event"))
			msg.Payload, _ = json.Marshal(map[string]string{"bytes": base64.StdEncoding.EncodeToString([]byte(c))})
			var buf bytes.Buffer
			enc.Encode(&buf, msg)
			w.Write(buf.Bytes())
			w.(http.Flusher).Flush()
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	return srv
}

// exampleClient points a client at the stand-in. Against Bedrock itself,
// bedrock.New(ctx, bedrock.Options{Region: "us-east-1"}) is enough.
func exampleClient(srv *httptest.Server) *bedrock.Client {
	c, err := bedrock.New(context.Background(), bedrock.Options{
		EndpointURL: srv.URL,
		HTTPClient:  srv.Client(),
		AWSConfig: &aws.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		},
	})
	if err != nil {
		panic(err)
	}
	return c
}

var story = &rockstream.Request{
	Model:     "anthropic.claude-3-5-haiku-20241022-v1:0",
	MaxTokens: 8000,
	Messages:  []rockstream.Message{rockstream.UserText("Tell me a story about two puppies and two kittens.")},
}

// The callback style of the original lab: each event as it arrives, then
// the whole answer.
func ExampleClient_Do() {
	srv := fakeBedrock()
	defer srv.Close()
	c := exampleClient(srv)

	resp, err := c.Do(context.Background(), story, func(ev rockstream.Event) error {
		if d, ok := ev.(rockstream.TextDelta); ok {
			fmt.Printf("%q\n", d.Text)
		}
		return nil
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(resp.StopReason, resp.Usage.OutputTokens, "tokens")
	// Output:
	// "Two puppies"
	// " met two kittens."
	// end_turn 6 tokens
}

// The iterator style: range over events; breaking out closes the stream.
func ExampleClient_Stream() {
	srv := fakeBedrock()
	defer srv.Close()
	c := exampleClient(srv)

	for ev, err := range c.Stream(context.Background(), story) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		switch ev := ev.(type) {
		case rockstream.TextDelta:
			fmt.Print(ev.Text)
		case rockstream.Metadata:
			fmt.Printf("\n[%d in, %d out]\n", ev.Usage.InputTokens, ev.Usage.OutputTokens)
		}
	}
	// Output:
	// Two puppies met two kittens.
	// [9 in, 6 out]
}

// The channel style, for select loops; cancel the context to stop early.
func ExampleClient_Events() {
	srv := fakeBedrock()
	defer srv.Close()
	c := exampleClient(srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	for r := range c.Events(ctx, story) {
		if r.Err != nil {
			fmt.Println("error:", r.Err)
			return
		}
		if stop, ok := r.Event.(rockstream.MessageStop); ok {
			fmt.Println("stopped:", stop.StopReason)
		}
	}
	// Output:
	// stopped: end_turn
}

// StreamText when only the text matters.
func ExampleClient_StreamText() {
	srv := fakeBedrock()
	defer srv.Close()
	c := exampleClient(srv)

	_, err := c.StreamText(context.Background(), story, func(text string) { fmt.Print(text) })
	fmt.Println()
	fmt.Println("error:", err)
	// Output:
	// Two puppies met two kittens.
	// error: <nil>
}

// Options.Direct reads InvokeModelWithResponseStream without the SDK's
// operation stack, for processes that relay many streams; events, errors
// and retries are the same.
func ExampleOptions_direct() {
	srv := fakeBedrock()
	defer srv.Close()
	c, err := bedrock.New(context.Background(), bedrock.Options{
		EndpointURL: srv.URL,
		HTTPClient:  srv.Client(),
		AWSConfig: &aws.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		},
		Direct: true,
	})
	if err != nil {
		panic(err)
	}
	resp, err := c.StreamText(context.Background(), story, func(text string) { fmt.Print(text) })
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("\n%s after %d tokens\n", resp.StopReason, resp.Usage.OutputTokens)
	// Output:
	// Two puppies met two kittens.
	// end_turn after 6 tokens
}
