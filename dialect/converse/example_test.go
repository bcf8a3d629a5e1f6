package converse_test

import (
	"fmt"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/converse"
)

// Encoding a neutral answer as ConverseStream events, as the local
// runtime sends them: no contentBlockStart for text, metadata last.
func ExampleStreamEncoder() {
	e := converse.NewStreamEncoder()
	var frames []converse.Frame
	for _, ev := range []rockstream.Event{
		rockstream.MessageStart{},
		rockstream.BlockStart{Index: 0, Type: rockstream.BlockText},
		rockstream.TextDelta{Index: 0, Text: "Hello"},
		rockstream.BlockStop{Index: 0},
		rockstream.MessageStop{StopReason: rockstream.StopEndTurn},
		rockstream.Metadata{Usage: rockstream.Usage{InputTokens: 5, OutputTokens: 1},
			Metrics: rockstream.Metrics{InvocationLatency: 120 * time.Millisecond}},
	} {
		var err error
		if frames, err = e.Encode(frames, ev); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, f := range frames {
		fmt.Println(f.EventType, string(f.Payload))
	}
	// Output:
	// messageStart {"role":"assistant"}
	// contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hello"}}
	// contentBlockStop {"contentBlockIndex":0}
	// messageStop {"stopReason":"end_turn"}
	// metadata {"usage":{"inputTokens":5,"outputTokens":1,"totalTokens":6},"metrics":{"latencyMs":120}}
}
