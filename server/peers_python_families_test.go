package server_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
)

// TestPythonChatFamilies streams each chat family's body through boto3's
// invoke_model_with_response_stream and reads the chunks boto3 handed out
// with the family's decoder, then streams the model through
// converse_stream.
func TestPythonChatFamilies(t *testing.T) {
	python := requirePeer(t, "python3")
	r := startPeerServer(t, peerPaths[0], instant(), "")
	for _, tc := range chatFamilies {
		t.Run(tc.model, func(t *testing.T) {
			cmd := exec.Command(python, "chat_families.py", tc.model, tc.body)
			cmd.Dir = conformanceDir("bedrock-python")
			cmd.Env = peerEnv(r.URL)
			run := runPeer(t, cmd, nil)
			if run.err != nil {
				t.Fatalf("chat_families.py: %v\n%s", run.err, run.stderr)
			}
			codec, err := family.ForRequest(tc.model, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			dec := codec.NewStreamDecoder()
			var evs []rockstream.Event
			lines := jsonLines(t, run.stdout)
			for _, l := range lines[:len(lines)-1] {
				chunk, err := json.Marshal(l["chunk"])
				if err != nil {
					t.Fatal(err)
				}
				if evs, err = dec.Decode(evs, chunk); err != nil {
					t.Fatalf("chunk %s: %v", chunk, err)
				}
			}
			if !dec.Done() {
				t.Fatal("boto3's stream ended before the final chunk")
			}
			checkAnswer(t, evs)
			last := lines[len(lines)-1]
			if last["converse"] == "" || last["stop"] == "" {
				t.Errorf("converse_stream: %v", last)
			}
		})
	}
}
