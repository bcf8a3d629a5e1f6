package runtime

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// BenchmarkInvokeStreamTokens measures how many tokens per second the
// runtime streams through InvokeModelWithResponseStream over real HTTP,
// with the builtin model at no delay: the runtime's own cost per token
// (encode, base64, frame, flush, decode on the client).
func BenchmarkInvokeStreamTokens(b *testing.B) {
	mux := http.NewServeMux()
	Register(mux, Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":1000,"temperature":0,"messages":[{"role":"user","content":"Tell me a long story about a lighthouse keeper."}]}`
	url := ts.URL + "/model/anthropic.claude-3-sonnet-20240229-v1%3A0/invoke-with-response-stream"
	dec := eventstream.NewDecoder()
	var buf []byte
	tokens := 0
	b.ReportAllocs()
	for b.Loop() {
		res, err := ts.Client().Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		for {
			m, err := dec.Decode(res.Body, buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			var p struct{ Bytes string }
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				b.Fatal(err)
			}
			chunk, _ := base64.StdEncoding.DecodeString(p.Bytes)
			if strings.Contains(string(chunk), `"text_delta"`) {
				tokens++
			}
		}
		res.Body.Close()
	}
	if tokens == 0 {
		b.Fatal("no tokens streamed")
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(float64(tokens)/float64(b.N), "tokens/op")
}
