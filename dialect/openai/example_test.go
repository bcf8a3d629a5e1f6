package openai_test

import (
	"fmt"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/openai"
)

func ExampleStreamEncoder() {
	enc := openai.NewStreamEncoder(openai.ChunkInfo{ID: "chatcmpl-1", Model: "m", Created: 1, IncludeUsage: true})
	var chunks [][]byte
	for _, ev := range []rockstream.Event{
		rockstream.MessageStart{Usage: rockstream.Usage{InputTokens: 3}},
		rockstream.TextDelta{Text: "Hi"},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{OutputTokens: 1}},
	} {
		chunks = enc.Encode(chunks, ev)
	}
	for _, c := range chunks {
		fmt.Printf("data: %s\n", c)
	}
	// Output:
	// data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}
	// data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}
	// data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
	// data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}
}

func ExampleChunkDecoder() {
	dec := openai.NewChunkDecoder()
	var evs []rockstream.Event
	for _, chunk := range []string{
		`{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}`,
		`{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`,
	} {
		evs, _ = dec.Decode(evs, []byte(chunk))
	}
	var acc rockstream.Accumulator
	for _, ev := range evs {
		_ = acc.Add(ev)
	}
	fmt.Println(acc.Text(), acc.StopReason(), acc.Usage().OutputTokens, dec.Done())
	// Output: Hi max_tokens 1 true
}
