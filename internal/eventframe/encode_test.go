package eventframe

import (
	"bytes"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// sdkFrame is the reference for AppendFrame: the same message encoded by
// the SDK's Encoder.
func sdkFrame(t testing.TB, enc *sdk.Encoder, messageType, typ string, payload []byte) []byte {
	t.Helper()
	var m sdk.Message
	m.Headers.Set(TypeHeader(messageType), sdk.StringValue(typ))
	m.Headers.Set(ContentTypeHeader, sdk.StringValue(jsonContent))
	m.Headers.Set(MessageTypeHeader, sdk.StringValue(messageType))
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
		EventMessage: {"chunk", "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop",
			"messageStop", "metadata", "someFutureEvent", "", strings.Repeat("e", 300)},
		ExceptionMessage: {"throttlingException", "validationException", "modelStreamErrorException",
			"modelTimeoutException", "internalServerException", "serviceUnavailableException", "newException"},
	}
	enc := sdk.NewEncoder()
	for messageType, list := range types {
		for _, typ := range list {
			for _, p := range payloads {
				want := sdkFrame(t, enc, messageType, typ, p)
				// Appending after other bytes must not change the frame.
				got := AppendFrame([]byte("prefix"), messageType, typ, p)
				if !bytes.Equal(got[len("prefix"):], want) || string(got[:len("prefix")]) != "prefix" {
					t.Errorf("%s %q, %d-byte payload:\n got %x\nwant %x", messageType, typ, len(p), got, want)
				}
			}
		}
	}
}

// The frames Bedrock sends (bedrock-wire §2.5) come out byte for byte.
func TestAppendFrameMatchesVectors(t *testing.T) {
	chunk := AppendFrame(nil, EventMessage, "chunk", AppendChunkPayload(nil, []byte(`{"type":"message_stop"}`), ""))
	if want := vector(t, "chunk.hex"); !bytes.Equal(chunk, want) {
		t.Errorf("chunk frame\n got %x\nwant %x", chunk, want)
	}
	throttling := AppendFrame(nil, ExceptionMessage, "throttlingException",
		[]byte(`{"message":"Too many requests, please wait before trying again."}`))
	if want := vector(t, "throttling.hex"); !bytes.Equal(throttling, want) {
		t.Errorf("exception frame\n got %x\nwant %x", throttling, want)
	}
}

func TestAppendErrorFrameMatchesSDK(t *testing.T) {
	var m sdk.Message
	m.Headers.Set(ErrorCodeHeader, sdk.StringValue("InternalFailure"))
	m.Headers.Set(ErrorMessageHeader, sdk.StringValue("The stream broke."))
	m.Headers.Set(MessageTypeHeader, sdk.StringValue(ErrorMessage))
	var want bytes.Buffer
	if err := sdk.NewEncoder().Encode(&want, m); err != nil {
		t.Fatal(err)
	}
	got := AppendErrorFrame([]byte("x"), "InternalFailure", "The stream broke.")
	if !bytes.Equal(got[1:], want.Bytes()) || got[0] != 'x' {
		t.Fatalf("error frame\n got %x\nwant %x", got[1:], want.Bytes())
	}
	msg, err := NewReader(bytes.NewReader(got[1:])).Next()
	if err != nil {
		t.Fatal(err)
	}
	if string(msg.Get(MessageTypeHeader)) != ErrorMessage || string(msg.Get(ErrorCodeHeader)) != "InternalFailure" ||
		string(msg.Get(ErrorMessageHeader)) != "The stream broke." || len(msg.Payload) != 0 {
		t.Errorf("decoded %q, payload %q", msg.Headers, msg.Payload)
	}
}

func FuzzAppendFrame(f *testing.F) {
	f.Add(true, "chunk", []byte(`{"bytes":"e30="}`))
	f.Add(false, "throttlingException", []byte(`{"message":"slow down"}`))
	f.Add(true, "", []byte{})
	enc := sdk.NewEncoder()
	f.Fuzz(func(t *testing.T, event bool, typ string, payload []byte) {
		if len(typ) > MaxHeaderValue {
			typ = typ[:MaxHeaderValue] // longer than a header value can be
		}
		messageType := ExceptionMessage
		if event {
			messageType = EventMessage
		}
		got := AppendFrame(nil, messageType, typ, payload)
		if want := sdkFrame(t, enc, messageType, typ, payload); !bytes.Equal(got, want) {
			t.Fatalf("%s %q %q:\n got %x\nwant %x", messageType, typ, payload, got, want)
		}
		m, err := sdk.NewDecoder().Decode(bytes.NewReader(got), nil)
		if err != nil {
			t.Fatalf("SDK decoder rejects the frame: %v", err)
		}
		if h := m.Headers.Get(TypeHeader(messageType)); h == nil || h.String() != typ || !bytes.Equal(m.Payload, payload) {
			t.Fatalf("decoded %v %q", m.Headers, m.Payload)
		}
		if err := ValidFrame(got); err != nil {
			t.Fatalf("ValidFrame rejects an encoded frame: %v", err)
		}
	})
}

// BenchmarkFrameEncode compares AppendFrame with the SDK encoder for a
// typical IMWRS text-delta chunk.
func BenchmarkFrameEncode(b *testing.B) {
	payload := []byte(`{"bytes":"eyJ0eXBlIjoiY29udGVudF9ibG9ja19kZWx0YSIsImluZGV4IjowLCJkZWx0YSI6eyJ0eXBlIjoidGV4dF9kZWx0YSIsInRleHQiOiJIZXJlIGlzIGEgdG9rZW4ifX0=","p":"abcdefghijklmnop"}`)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = AppendFrame(buf[:0], EventMessage, "chunk", payload)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		enc := sdk.NewEncoder()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			var m sdk.Message
			m.Headers.Set(EventTypeHeader, sdk.StringValue("chunk"))
			m.Headers.Set(ContentTypeHeader, sdk.StringValue(jsonContent))
			m.Headers.Set(MessageTypeHeader, sdk.StringValue(EventMessage))
			m.Payload = payload
			if err := enc.Encode(&buf, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
