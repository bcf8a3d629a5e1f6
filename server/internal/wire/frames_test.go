package wire

import (
	"bytes"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/rockstream/rockstream/internal/eventframe"
)

// sdkEventFrame is the reference for a FrameWriter event: the same message
// encoded by the SDK's Encoder.
func sdkEventFrame(t testing.TB, typ string, payload []byte) []byte {
	t.Helper()
	var m sdk.Message
	m.Headers.Set(eventframe.EventTypeHeader, sdk.StringValue(typ))
	m.Headers.Set(eventframe.ContentTypeHeader, sdk.StringValue("application/json"))
	m.Headers.Set(eventframe.MessageTypeHeader, sdk.StringValue(eventframe.EventMessage))
	m.Payload = payload
	var buf bytes.Buffer
	if err := sdk.NewEncoder().Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFrameWriterMatchesSDK(t *testing.T) {
	for _, typ := range []string{"chunk", "contentBlockDelta", "metadata", "someFutureEvent"} {
		payload := []byte(`{"bytes":"e30=","p":"ab"}`)
		rec := &recordingWriter{}
		fw := NewFrameWriter(rec, ConverseStream, 0)
		// Two frames through the reused buffer: the second must not carry
		// anything of the first.
		for range 2 {
			if err := fw.Event(typ, payload); err != nil {
				t.Fatal(err)
			}
		}
		fw.Close()
		want := sdkEventFrame(t, typ, payload)
		if got := rec.body.Bytes(); !bytes.Equal(got, append(bytes.Clone(want), want...)) {
			t.Errorf("%s:\n got %x\nwant %x twice", typ, got, want)
		}
	}
}
