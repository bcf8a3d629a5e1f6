package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/rockstream/rockstream"
)

// readVector reads a frame vector from the framing package's testdata
// (bedrock-wire §2.5): one set of vectors for both encode and decode.
func readVector(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "internal", "eventframe", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFrameWriterMatchesVectors(t *testing.T) {
	tests := []struct {
		name   string
		vector string
		write  func(*FrameWriter) error
	}{
		{"chunk", "chunk.hex", func(fw *FrameWriter) error {
			return fw.Event("chunk", []byte(`{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0="}`))
		}},
		{"throttling exception", "throttling.hex", func(fw *FrameWriter) error {
			return fw.Exception(rockstream.BedrockError("ThrottlingException", "Too many requests, please wait before trying again."))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			fw := NewFrameWriter(rec, InvokeStream, 0)
			if err := tt.write(fw); err != nil {
				t.Fatal(err)
			}
			if want := readVector(t, tt.vector); !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("frame\n got %x\nwant %x", rec.Body.Bytes(), want)
			}
			if got := rec.Header().Get("Content-Type"); got != EventStreamContentType {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("X-Accel-Buffering"); got != "no" {
				t.Errorf("X-Accel-Buffering = %q", got)
			}
			if !rec.Flushed {
				t.Error("frame not flushed")
			}
		})
	}
}

func TestWriteHalfIsIncomplete(t *testing.T) {
	rec := httptest.NewRecorder()
	fw := NewFrameWriter(rec, InvokeStream, 0)
	if err := fw.WriteHalf(); err != nil {
		t.Fatal(err)
	}
	_, err := sdk.NewDecoder().Decode(rec.Body, nil)
	if err == nil {
		t.Fatal("half a frame decoded as a whole one")
	}
}

func TestExceptionTypes(t *testing.T) {
	tests := []struct {
		stream Stream
		code   string
		want   string
	}{
		{InvokeStream, "ModelTimeoutException", "modelTimeoutException"},
		{ConverseStream, "ModelTimeoutException", "modelStreamErrorException"},
		{InvokeStream, "ThrottlingException", "throttlingException"},
		{ConverseStream, "ValidationException", "validationException"},
		{InvokeStream, "ModelStreamErrorException", "modelStreamErrorException"},
		{InvokeStream, "ServiceUnavailableException", "serviceUnavailableException"},
		{InvokeStream, "InternalServerException", "internalServerException"},
		{ConverseStream, "SomethingNew", "internalServerException"},
	}
	for _, tt := range tests {
		if got := ExceptionType(tt.stream, tt.code); got != tt.want {
			t.Errorf("ExceptionType(%d, %s) = %s, want %s", tt.stream, tt.code, got, tt.want)
		}
	}
}

func TestModelStreamErrorCarriesOriginalStatus(t *testing.T) {
	rec := httptest.NewRecorder()
	fw := NewFrameWriter(rec, ConverseStream, 0)
	e := rockstream.BedrockError("ModelStreamErrorException", "The model failed.")
	e.OriginalStatusCode = 500
	if err := fw.Exception(e); err != nil {
		t.Fatal(err)
	}
	m, err := sdk.NewDecoder().Decode(rec.Body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Headers.Get(":exception-type").String(); got != "modelStreamErrorException" {
		t.Errorf(":exception-type = %s", got)
	}
	var body map[string]any
	if err := json.Unmarshal(m.Payload, &body); err != nil {
		t.Fatal(err)
	}
	if body["originalStatusCode"] != float64(500) || body["message"] != "The model failed." {
		t.Errorf("payload = %s", m.Payload)
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string
		retryAfter string
	}{
		{"validation", rockstream.Validationf("The provided model identifier is invalid."), 400, "ValidationException", "The provided model identifier is invalid.", ""},
		{"throttling default words", &rockstream.Error{Class: rockstream.ClassThrottling, RetryAfter: 1500 * 1e6}, 429, "ThrottlingException", "Too many requests, please wait before trying again.", "2"},
		{"plain error", errors.New("boom"), 500, "InternalServerException", internalMessage, ""},
		{"auth", &rockstream.Error{Class: rockstream.ClassAuth, Code: "MissingAuthenticationTokenException", StatusCode: 403, Message: "Missing Authentication Token"}, 403, "MissingAuthenticationTokenException", "Missing Authentication Token", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, tt.err)
			res := rec.Result()
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got, want := headerValue(res.Header, "x-amzn-errortype"), tt.code+":http://internal.amazon.com/coral/com.amazon.bedrock/"; got != want {
				t.Errorf("x-amzn-ErrorType = %q, want %q", got, want)
			}
			if got := res.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Type != tt.code || body.Message != tt.message {
				t.Errorf("body = %+v", body)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	id := NewRequestID()
	if len(id) != 36 || id[14] != '4' || strings.Count(id, "-") != 4 {
		t.Errorf("request ID %q is not a UUIDv4", id)
	}
	rec := httptest.NewRecorder()
	r, got := EnsureRequestID(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if RequestIDFrom(r.Context()) != got || rec.Header()[RequestIDHeader][0] != got {
		t.Error("request ID not carried in context and header")
	}
}

// headerValue looks a header up case-insensitively, as a client would.
func headerValue(h http.Header, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
