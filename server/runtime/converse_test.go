package runtime

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/server/internal/fakebackend"
)

const converseBody = `{"messages":[{"role":"user","content":[{"text":"Tell me a story."}]}],"inferenceConfig":{"maxTokens":100,"temperature":0}}`

func TestConverseStream(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	res := post(t, newServer(t, fake), "/model/"+haiku+"/converse-stream", "application/json", converseBody)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	frames, err := readAllFrames(t, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var text string
	for _, f := range frames {
		types = append(types, f.eventType)
		var p struct {
			Delta struct{ Text string }
			P     string
		}
		if err := json.Unmarshal(f.payload, &p); err != nil {
			t.Fatalf("%s payload %s: %v", f.eventType, f.payload, err)
		}
		if p.P == "" {
			t.Errorf("%s payload has no padding", f.eventType)
		}
		text += p.Delta.Text
	}
	if text != "Once upon a time." {
		t.Errorf("text %q", text)
	}
	if types[0] != "messageStart" || types[len(types)-2] != "messageStop" || types[len(types)-1] != "metadata" {
		t.Errorf("event types %v", types)
	}
	for _, typ := range types {
		if typ == "contentBlockStart" {
			t.Error("contentBlockStart sent for a text block")
		}
	}
}

func TestConverseStreamTimeoutBecomesModelStreamError(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	fake.FailAt, fake.Err = 3, rockstream.BedrockError("ModelTimeoutException", "")
	res := post(t, newServer(t, fake), "/model/"+haiku+"/converse-stream", "application/json", converseBody)
	frames, err := readAllFrames(t, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if last := frames[len(frames)-1]; last.exceptionType != "modelStreamErrorException" {
		t.Errorf("last frame %+v", last)
	}
}

func TestConverse(t *testing.T) {
	fake := fakebackend.New(fakebackend.Story())
	res := post(t, newServer(t, fake), "/model/"+haiku+"/converse", "application/json", converseBody)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var out struct {
		Output struct {
			Message struct {
				Role    string
				Content []struct{ Text string }
			}
		}
		StopReason string
		Usage      struct{ InputTokens, OutputTokens int }
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.StopReason != "end_turn" || len(out.Output.Message.Content) != 1 || out.Output.Message.Content[0].Text != "Once upon a time." || out.Usage.OutputTokens != 4 {
		t.Errorf("response %s", body)
	}
	if got := fake.LastRequest(); got.MaxTokens != 100 || got.Model != haiku {
		t.Errorf("backend request %+v", got)
	}
}

func TestConverseValidation(t *testing.T) {
	res := post(t, newServer(t, fakebackend.New(fakebackend.Story())), "/model/"+haiku+"/converse-stream", "application/json", `{"messages":[]}`)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d", res.StatusCode)
	}
}
