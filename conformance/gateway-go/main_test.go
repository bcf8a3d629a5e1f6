package gatewaygo

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/gateway"
)

// model is served by the builtin backend on demand.
const model = "anthropic.claude-3-haiku-20240307-v1:0"

const prompt = "Tell me a short story about a lighthouse."

// baseURL is the in-process server every stream test talks to. Its
// keepalive is short, so the SDKs meet keepalives in every silence.
var baseURL string

// statusURL serves the same with the default keepalive, for the tests of
// errors that come as a status before the first event: there a keepalive
// sent first would commit a 200, and a 5 ms one is shorter than a busy
// machine's scheduling delays.
var statusURL string

func TestMain(m *testing.M) {
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	be := builtin.New(builtin.Options{Pace: &builtin.Pace{}})
	start := func(keepalive time.Duration) (string, func()) {
		var gw *gateway.Gateway
		run, err := server.Start(context.Background(), server.Options{
			Backend: be,
			Mount: func(mux *http.ServeMux) {
				gw = gateway.Register(mux, gateway.Options{
					Backend: be, APIKeys: []string{"sk-test"}, Keepalive: keepalive,
					Resume: gateway.ResumeOptions{Retention: time.Minute},
				})
			},
		}, "")
		if err != nil {
			panic(err)
		}
		return run.URL, func() {
			_ = gw.Shutdown(context.Background())
			_ = run.Close()
		}
	}
	var stopBase, stopStatus func()
	baseURL, stopBase = start(5 * time.Millisecond)
	statusURL, stopStatus = start(0)
	code := m.Run()
	stopBase()
	stopStatus()
	os.Exit(code)
}

// wantText is what the builtin model answers prompt with.
func wantText(maxTokens int) string {
	return strings.Join(builtin.Tokens(&rockstream.Request{Model: model, MaxTokens: maxTokens,
		Messages: []rockstream.Message{rockstream.UserText(prompt)}}), "")
}
