package bedrock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

func TestPreStreamErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantClass  rockstream.ErrorClass
		wantCode   string
		wantStatus int
		wantHits   int32
		wantInMsg  []string
	}{
		{
			name: "access denied",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")
			},
			wantClass: rockstream.ClassAccessDenied, wantCode: "AccessDeniedException", wantStatus: 403, wantHits: 1,
			wantInMsg: []string{"You don't have access", "Bedrock console", testModel, "us-east-1"},
		},
		{
			name: "on-demand throughput unsupported",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 400, "ValidationException", "Invocation of model ID "+testModel+" with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.")
			},
			wantClass: rockstream.ClassValidation, wantCode: "ValidationException", wantStatus: 400, wantHits: 1,
			wantInMsg: []string{`"us.` + testModel + `"`, "inference profile"},
		},
		{
			name: "model not found",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 404, "ResourceNotFoundException", "Model not found.")
			},
			wantClass: rockstream.ClassNotFound, wantCode: "ResourceNotFoundException", wantStatus: 404, wantHits: 1,
			wantInMsg: []string{"Model not found", "Check the model ID", "us-east-1"},
		},
		{
			name: "end of life",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 404, "ResourceNotFoundException", "This model version has reached the end of its life. Please refer to the AWS documentation for more details.")
			},
			wantClass: rockstream.ClassNotFound, wantCode: "ResourceNotFoundException", wantStatus: 404, wantHits: 1,
			wantInMsg: []string{"end of its life", "pick a current model"},
		},
		{
			name: "throttled beyond retries",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 429, "ThrottlingException", "Too many requests, please wait before trying again.")
			},
			wantClass: rockstream.ClassThrottling, wantCode: "ThrottlingException", wantStatus: 429, wantHits: 4,
			wantInMsg: []string{"Too many requests", "after 4 attempts", "Service Quotas"},
		},
		{
			name: "HTML error page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
			},
			wantClass: rockstream.ClassProtocol, wantStatus: 502, wantHits: 1,
			wantInMsg: []string{"HTML page", "does not look like Amazon Bedrock", "endpoint URL", "502 Bad Gateway"},
		},
		{
			name: "HTML without content type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil
				w.WriteHeader(404)
				fmt.Fprint(w, "<!DOCTYPE html><html><body>Not here</body></html>")
			},
			wantClass: rockstream.ClassProtocol, wantStatus: 404, wantHits: 1,
			wantInMsg: []string{"HTML page"},
		},
		{
			name: "200 with JSON instead of a stream",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"hello":"world"}`)
			},
			wantClass: rockstream.ClassProtocol, wantStatus: 200, wantHits: 1,
			wantInMsg: []string{"application/json body instead of an event stream"},
		},
		{
			name: "200 with an untyped body that is not framing",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil
				fmt.Fprint(w, "this is not an event stream at all, just text")
			},
			wantClass: rockstream.ClassProtocol, wantStatus: 0, wantHits: 1,
			wantInMsg: []string{"not a valid Bedrock event stream"},
		},
		{
			name: "plain-text 502 from a proxy",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(502)
				fmt.Fprint(w, "upstream connect error")
			},
			wantClass: rockstream.ClassUnavailable, wantStatus: 502, wantHits: 4,
		},
		{
			name: "unknown 400 exception",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeError(w, 400, "WeirdNewException", "something new")
			},
			wantClass: rockstream.ClassValidation, wantCode: "WeirdNewException", wantStatus: 400, wantHits: 1,
			wantInMsg: []string{"something new"},
		},
		{
			name: "bare 503",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(503)
				fmt.Fprint(w, `{}`)
			},
			wantClass: rockstream.ClassUnavailable, wantStatus: 503, wantHits: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			forTransports(t, func(t *testing.T, direct bool) {
				t.Parallel()
				var hits atomic.Int32
				srv := newTLSServer(t, counted(&hits, func(w http.ResponseWriter, r *http.Request, _ int) { tt.handler(w, r) }))
				c := newTestClient(t, srv, Options{Direct: direct})
				events, err := collect(c, textRequest("x"))
				if len(events) != 0 || err == nil {
					t.Fatalf("got %d events, error %v; want only an error", len(events), err)
				}
				e := asError(t, err)
				if e.Class != tt.wantClass || e.Code != tt.wantCode || e.StatusCode != tt.wantStatus || e.InStream != (tt.wantStatus == 0) {
					t.Errorf("error %+v, want class %s code %q status %d", e, tt.wantClass, tt.wantCode, tt.wantStatus)
				}
				for _, s := range tt.wantInMsg {
					if !strings.Contains(e.Error(), s) {
						t.Errorf("message %q lacks %q", e.Error(), s)
					}
				}
				if hits.Load() != tt.wantHits {
					t.Errorf("%d requests, want %d", hits.Load(), tt.wantHits)
				}
			})
		})
	}
}

func TestRequestIDOnErrors(t *testing.T) {
	t.Parallel()
	forTransports(t, func(t *testing.T, direct bool) {
		t.Parallel()
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 400, "ValidationException", "Malformed input request")
		}))
		_, err := collect(newTestClient(t, srv, Options{Direct: direct}), textRequest("x"))
		if e := asError(t, err); e.RequestID != "req-err" || !strings.Contains(e.Error(), "req-err") {
			t.Errorf("error %+v lacks the request ID", e)
		}
	})
}

// Every modeled exception the SDK can return maps to its class and status.
func TestFromSDKModeledExceptions(t *testing.T) {
	t.Parallel()
	msg := aws.String("m")
	tests := []struct {
		err       error
		class     rockstream.ErrorClass
		status    int
		retryable bool
	}{
		{&types.ThrottlingException{Message: msg}, rockstream.ClassThrottling, 429, true},
		{&types.ValidationException{Message: msg}, rockstream.ClassValidation, 400, false},
		{&types.AccessDeniedException{Message: msg}, rockstream.ClassAccessDenied, 403, false},
		{&types.ResourceNotFoundException{Message: msg}, rockstream.ClassNotFound, 404, false},
		{&types.ModelTimeoutException{Message: msg}, rockstream.ClassTimeout, 408, true},
		{&types.ModelStreamErrorException{Message: msg, OriginalStatusCode: aws.Int32(500)}, rockstream.ClassModel, 424, false},
		{&types.ServiceUnavailableException{Message: msg}, rockstream.ClassUnavailable, 503, true},
		{&types.InternalServerException{Message: msg}, rockstream.ClassInternal, 500, true},
		{&types.ModelNotReadyException{Message: msg}, rockstream.ClassNotReady, 429, true},
		{&types.ServiceQuotaExceededException{Message: msg}, rockstream.ClassQuota, 400, false},
		{&types.ModelErrorException{Message: msg, OriginalStatusCode: aws.Int32(400)}, rockstream.ClassModel, 424, false},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("operation error Bedrock Runtime: %w", tt.err)
		e := classify(context.Background(), wrapped, false)
		if e.Class != tt.class || e.StatusCode != tt.status || e.Retryable != tt.retryable || e.Message != "m" {
			t.Errorf("%T → %+v, want class %s status %d retryable %v", tt.err, e, tt.class, tt.status, tt.retryable)
		}
		if !errors.Is(e, tt.err) {
			t.Errorf("%T: the SDK error is not in the chain", tt.err)
		}
	}
	e := classify(context.Background(), &types.ModelStreamErrorException{OriginalStatusCode: aws.Int32(502)}, true)
	if e.OriginalStatusCode != 502 || !e.InStream {
		t.Errorf("ModelStreamErrorException → %+v", e)
	}
}
