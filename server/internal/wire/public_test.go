package wire

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

const secret = "dial tcp 10.0.0.1:443: secret"

func TestPublicHidesGoErrorText(t *testing.T) {
	t.Parallel()
	plain := errors.New(secret)
	wrapped := fmt.Errorf("upstream: %w", plain)
	tests := []struct {
		name string
		e    *rockstream.Error
		hide bool
	}{
		{"plain error as AsError makes it", rockstream.AsError(plain), true},
		{"message quoting a wrapped error", &rockstream.Error{Class: rockstream.ClassUnavailable, Message: "cannot reach the upstream: " + secret, Err: wrapped}, true},
		{"message quoting one of several errors", &rockstream.Error{Class: rockstream.ClassInternal, Message: "failed: " + secret, Err: errors.Join(errors.New("x1"), plain)}, true},
		{"no message, only a cause", &rockstream.Error{Class: rockstream.ClassUnknown, Err: plain}, true},
		{"service's own words", rockstream.BedrockError("ThrottlingException", "Too many requests."), false},
		{"service words with a cause", &rockstream.Error{Class: rockstream.ClassModel, Code: "ModelErrorException", Message: "The model failed.", Err: plain}, false},
		{"rockstream's own error type", &rockstream.Error{Class: rockstream.ClassAccessDenied, Message: "refused: " + secret, Err: &rockstream.Error{Message: "refused: " + secret}}, false},
		{"validation keeps its message", &rockstream.Error{Class: rockstream.ClassValidation, Message: "bad: " + secret, Err: plain}, false},
	}
	for _, tt := range tests {
		got := Public(tt.e, "req-1")
		leaked := strings.Contains(got.Message, "secret")
		if tt.hide {
			if leaked || got.Err != nil || !strings.Contains(got.Message, "req-1") {
				t.Errorf("%s: Public = %+v, want a generic message with the request ID and no cause", tt.name, got)
			}
			if got.Class != tt.e.Class || Status(got) != Status(tt.e) {
				t.Errorf("%s: class/status changed: %s %d, want %s %d", tt.name, got.Class, Status(got), tt.e.Class, Status(tt.e))
			}
		} else if got != tt.e {
			t.Errorf("%s: Public changed an error it should keep: %+v", tt.name, got)
		}
	}
}

func TestWriteErrorHidesGoErrorText(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	SetHeader(rec.Header(), RequestIDHeader, "rid-42")
	WriteError(rec, errors.New(secret))
	body := rec.Body.String()
	if rec.Code != 500 || strings.Contains(body, "secret") || strings.Contains(body, "10.0.0.1") || !strings.Contains(body, "rid-42") {
		t.Errorf("%d %s: want a 500 naming the request ID and not the error", rec.Code, body)
	}
	item := ExceptionItem(InvokeStream, rockstream.AsError(errors.New(secret)))
	if strings.Contains(string(item.Data), "secret") {
		t.Errorf("exception frame %s carries the error's text", item.Data)
	}
}

func TestWriteException(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	WriteException(rec, 404, "UnknownOperationException", "No operation here.")
	if rec.Code != 404 || headerValue(rec.Result().Header, "x-amzn-errortype") == "" ||
		rec.Body.String() != `{"__type":"UnknownOperationException","message":"No operation here."}` {
		t.Errorf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}
