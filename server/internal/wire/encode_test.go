package wire

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// sdkFrame is the reference for appendFrame: the same message encoded by
// the SDK's eventstream.Encoder, as FrameWriter did before frames were
// built by hand.
func sdkFrame(t testing.TB, enc *eventstream.Encoder, messageType, typ string, payload []byte) []byte {
	t.Helper()
	var m eventstream.Message
	m.Headers.Set(typeHeader(messageType), eventstream.StringValue(typ))
	m.Headers.Set(":content-type", eventstream.StringValue("application/json"))
	m.Headers.Set(":message-type", eventstream.StringValue(messageType))
	m.Payload = payload
	var buf bytes.Buffer
	if err := enc.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAppendFrameMatchesSDK(t *testing.T) {
	payloads := [][]byte{
		nil,
		[]byte(`{}`),
		[]byte(`{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=","p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"}`),
		[]byte(`{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abc"}`),
		[]byte(`{"message":"Too many requests, please wait before trying again."}`),
		[]byte("\x00\xff binary \n"),
		bytes.Repeat([]byte("x"), 70_000),
	}
	types := map[string][]string{
		eventMessage: {"chunk", "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop",
			"messageStop", "metadata", "someFutureEvent", "", strings.Repeat("e", 300)},
		exceptionMessage: {"throttlingException", "validationException", "modelStreamErrorException",
			"modelTimeoutException", "internalServerException", "serviceUnavailableException", "newException"},
	}
	enc := eventstream.NewEncoder()
	for messageType, list := range types {
		for _, typ := range list {
			for _, p := range payloads {
				want := sdkFrame(t, enc, messageType, typ, p)
				// Appending after other bytes must not change the frame.
				got := appendFrame([]byte("prefix"), messageType, typ, p)
				if !bytes.Equal(got[len("prefix"):], want) || string(got[:len("prefix")]) != "prefix" {
					t.Errorf("%s %q, %d-byte payload:\n got %x\nwant %x", messageType, typ, len(p), got, want)
				}
			}
		}
	}
}

func TestFrameWriterMatchesSDK(t *testing.T) {
	enc := eventstream.NewEncoder()
	for _, typ := range []string{"chunk", "contentBlockDelta", "metadata"} {
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
		want := sdkFrame(t, enc, eventMessage, typ, payload)
		if got := rec.body.Bytes(); !bytes.Equal(got, append(bytes.Clone(want), want...)) {
			t.Errorf("%s:\n got %x\nwant %x twice", typ, got, want)
		}
	}
}

func FuzzAppendFrame(f *testing.F) {
	f.Add(true, "chunk", []byte(`{"bytes":"e30="}`))
	f.Add(false, "throttlingException", []byte(`{"message":"slow down"}`))
	f.Add(true, "", []byte{})
	enc := eventstream.NewEncoder()
	f.Fuzz(func(t *testing.T, event bool, typ string, payload []byte) {
		if len(typ) > 1<<15-1 {
			t.Skip("longer than a header value can be")
		}
		messageType := exceptionMessage
		if event {
			messageType = eventMessage
		}
		got := appendFrame(nil, messageType, typ, payload)
		if want := sdkFrame(t, enc, messageType, typ, payload); !bytes.Equal(got, want) {
			t.Fatalf("%s %q %q:\n got %x\nwant %x", messageType, typ, payload, got, want)
		}
		m, err := eventstream.NewDecoder().Decode(bytes.NewReader(got), nil)
		if err != nil {
			t.Fatalf("SDK decoder rejects the frame: %v", err)
		}
		if h := m.Headers.Get(typeHeader(messageType)); h == nil || h.String() != typ || !bytes.Equal(m.Payload, payload) {
			t.Fatalf("decoded %v %q", m.Headers, m.Payload)
		}
	})
}

// BenchmarkFrameEncode compares the hand-built frame with the SDK encoder
// for a typical IMWRS text-delta chunk.
func BenchmarkFrameEncode(b *testing.B) {
	payload := []byte(`{"bytes":"eyJ0eXBlIjoiY29udGVudF9ibG9ja19kZWx0YSIsImluZGV4IjowLCJkZWx0YSI6eyJ0eXBlIjoidGV4dF9kZWx0YSIsInRleHQiOiJIZXJlIGlzIGEgdG9rZW4ifX0=","p":"abcdefghijklmnop"}`)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = appendFrame(buf[:0], eventMessage, "chunk", payload)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		enc := eventstream.NewEncoder()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			var m eventstream.Message
			m.Headers.Set(":event-type", eventstream.StringValue("chunk"))
			m.Headers.Set(":content-type", eventstream.StringValue("application/json"))
			m.Headers.Set(":message-type", eventstream.StringValue(eventMessage))
			m.Payload = payload
			if err := enc.Encode(&buf, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
