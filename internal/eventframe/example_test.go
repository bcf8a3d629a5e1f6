package eventframe_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/rockstream/rockstream/internal/eventframe"
)

// A pass-through relay looks at each frame and writes the very bytes it
// read onward.
func ExampleReader_NextRaw() {
	var upstream []byte
	upstream = eventframe.AppendFrame(upstream, eventframe.EventMessage, "chunk",
		eventframe.AppendChunkPayload(nil, []byte(`{"type":"message_stop"}`), eventframe.Padding()))
	upstream = eventframe.AppendFrame(upstream, eventframe.ExceptionMessage, "throttlingException",
		[]byte(`{"message":"Too many requests, please wait before trying again."}`))

	var downstream bytes.Buffer
	r := eventframe.NewReader(bytes.NewReader(upstream))
	for {
		raw, m, err := r.NextRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		kind := string(m.Get(eventframe.MessageTypeHeader))
		fmt.Println(kind, string(m.Get(eventframe.TypeHeader(kind))))
		downstream.Write(raw)
	}
	fmt.Println("relayed unchanged:", bytes.Equal(downstream.Bytes(), upstream))
	// Output:
	// event chunk
	// exception throttlingException
	// relayed unchanged: true
}
