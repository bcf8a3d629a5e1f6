//go:build !race

// The race detector slows the client's goroutines several times over, which
// widens the SDK's own race (server.GoSDKSettle) past any wait a server can
// afford, and it flags a benign data race inside the SDK's event-stream
// codec when one client streams concurrently; so this proof runs without it.

package server_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
)

// defaultTransportClient is the AWS SDK for Go's Bedrock Runtime client as
// a Go team writes it in its tests: only the endpoint changed, the SDK's
// own default HTTP client, HTTP/1.1 over http://.
func defaultTransportClient(url string) *bedrockruntime.Client {
	return bedrockruntime.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(dummyKey.AccessKeyID, dummyKey.SecretAccessKey, ""),
	}, func(o *bedrockruntime.Options) { o.BaseEndpoint = aws.String(url) })
}

// streamOnce runs one streaming call (ConverseStream on even i, IMWRS on
// odd) to its end and reports how it ended.
func streamOnce(ctx context.Context, client *bedrockruntime.Client, i int) error {
	if i%2 == 0 {
		out, err := client.ConverseStream(ctx, converseInput(200))
		if err != nil {
			return fmt.Errorf("converse-stream call: %w", err)
		}
		stream := out.GetStream()
		defer stream.Close()
		var stopped bool
		for ev := range stream.Events() {
			if _, ok := ev.(*types.ConverseStreamOutputMemberMessageStop); ok {
				stopped = true
			}
		}
		if err := stream.Err(); err != nil {
			return fmt.Errorf("converse-stream: %w", err)
		}
		if !stopped {
			return fmt.Errorf("converse-stream ended without messageStop")
		}
		return nil
	}
	body := []byte(`{"anthropic_version":"bedrock-2023-05-31","max_tokens":200,"temperature":0,"messages":[{"role":"user","content":"Tell me a story."}]}`)
	out, err := client.InvokeModelWithResponseStream(ctx, &bedrockruntime.InvokeModelWithResponseStreamInput{
		ModelId: aws.String(sonnet), Body: body,
	})
	if err != nil {
		return fmt.Errorf("invoke-with-response-stream call: %w", err)
	}
	stream := out.GetStream()
	defer stream.Close()
	chunks := 0
	for range stream.Events() {
		chunks++
	}
	if err := stream.Err(); err != nil {
		return fmt.Errorf("invoke-with-response-stream after %d chunks: %w", chunks, err)
	}
	if chunks == 0 {
		return fmt.Errorf("invoke-with-response-stream: no chunks")
	}
	return nil
}

// streamMany runs n streams over 8 workers sharing one default-transport
// client against a server in another process, and returns the failures.
func streamMany(t *testing.T, n int) []error {
	t.Helper()
	client := defaultTransportClient(startServerProcess(t))
	var next atomic.Int64
	var mu sync.Mutex
	var lost []error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := streamOnce(context.Background(), client, i); err != nil {
					mu.Lock()
					lost = append(lost, fmt.Errorf("stream %d: %w", i, err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return lost
}

// TestSDKDefaultTransportLosesNoStreams: the Go SDK with its default
// HTTP/1.1 transport, against a server in another process, streams N times
// over 8 workers without losing one mid-way to its transport closing the
// connection ("use of closed network connection"). Before the server held
// its first byte back (server.GoSDKSettle) it lost 39 of 2,000.
//
// It is a soak test, run on demand (ROCKSTREAM_SDK_STREAMS=2000, about
// 10 s on 2 cores): the race is the SDK's own and the settle only makes it
// rare, so on a machine loaded by the rest of the suite it can still lose
// one. The settle's behaviour is tested deterministically in settle_test.go.
func TestSDKDefaultTransportLosesNoStreams(t *testing.T) {
	s := os.Getenv("ROCKSTREAM_SDK_STREAMS")
	if s == "" {
		t.Skip("soak test: set ROCKSTREAM_SDK_STREAMS=2000 to run it")
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ROCKSTREAM_SDK_STREAMS=%q: %v", s, err)
	}
	lost := streamMany(t, n)
	for i, err := range lost {
		if i == 5 {
			break
		}
		t.Error(err)
	}
	if len(lost) > 0 {
		t.Errorf("lost %d of %d streams", len(lost), n)
	}
}
