package anthropic_test

import (
	"fmt"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/anthropic"
)

// Decoding the chunks of a Bedrock InvokeModelWithResponseStream answer
// from Claude into neutral events.
func ExampleStreamDecoder() {
	chunks := []string{
		`{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":9,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once upon"}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" a time"}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}`,
		`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,"outputTokenCount":4,"invocationLatency":512,"firstByteLatency":230}}`,
	}
	d := anthropic.NewStreamDecoder()
	var evs []rockstream.Event
	for _, c := range chunks {
		var err error
		if evs, err = d.Decode(evs[:0], []byte(c)); err != nil {
			fmt.Println(err)
			return
		}
		for _, ev := range evs {
			switch ev := ev.(type) {
			case rockstream.TextDelta:
				fmt.Printf("%q\n", ev.Text)
			case rockstream.MessageStop:
				fmt.Println("stop:", ev.StopReason)
			case rockstream.Metadata:
				fmt.Println("tokens:", ev.Usage.InputTokens, ev.Usage.OutputTokens, "first byte:", ev.Metrics.FirstByteLatency)
			}
		}
	}
	fmt.Println("done:", d.Done())
	// Output:
	// "Once upon"
	// " a time"
	// stop: end_turn
	// tokens: 9 4 first byte: 230ms
	// done: true
}
