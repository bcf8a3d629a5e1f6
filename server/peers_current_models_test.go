package server_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
)

// peerCurrentModels are the models the boto3 and JavaScript peers stream
// from: Claude and Llama 4 through their profiles, and the chat families.
func peerCurrentModels() []struct{ family, model string } {
	var models []struct{ family, model string }
	for _, m := range currentProfileModels {
		models = append(models, struct{ family, model string }{m.family, m.model})
	}
	for _, m := range chatFamilies {
		models = append(models, struct{ family, model string }{m.family, m.model})
	}
	return models
}

// TestPythonCurrentModels streams each current model through boto3's
// invoke_model_with_response_stream, with the body the script writes for
// the model's family, and through converse_stream.
func TestPythonCurrentModels(t *testing.T) {
	python := requirePeer(t, "python3")
	runCurrentModels(t, func(model string) *exec.Cmd {
		cmd := exec.Command(python, "current_models.py", model)
		cmd.Dir = conformanceDir("bedrock-python")
		return cmd
	})
}

// TestNodeCurrentModels is TestPythonCurrentModels with the AWS SDK for
// JavaScript v3.
func TestNodeCurrentModels(t *testing.T) {
	node := requirePeer(t, "node")
	requireNodeModules(t)
	runCurrentModels(t, func(model string) *exec.Cmd {
		cmd := exec.Command(node, "current_models.mjs", model)
		cmd.Dir = conformanceDir("bedrock-node")
		return cmd
	})
}

// runCurrentModels runs the peer once per model, both operations in one
// process, against one builtin runtime, and checks each operation's lines.
func runCurrentModels(t *testing.T, command func(model string) *exec.Cmd) {
	r := startPeerServer(t, peerPaths[0], instant(), "")
	for _, tc := range peerCurrentModels() {
		t.Run(tc.model, func(t *testing.T) {
			cmd := command(tc.model)
			cmd.Env = peerEnv(r.URL)
			run := runPeer(t, cmd, nil)
			if run.err != nil {
				t.Fatalf("%v: %v\nstdout:\n%s\nstderr:\n%s", cmd.Args, run.err, run.stdout, run.stderr)
			}
			byOp := map[string][]map[string]any{}
			for _, l := range jsonLines(t, run.stdout) {
				op, _ := l["op"].(string)
				byOp[op] = append(byOp[op], l)
			}
			t.Run("invoke-stream", func(t *testing.T) {
				checkPeerInvokeStream(t, tc.family, tc.model, byOp["invoke-stream"])
			})
			t.Run("converse-stream", func(t *testing.T) {
				checkPeerConverseStream(t, byOp["converse-stream"])
			})
		})
	}
}

// checkPeerInvokeStream checks an invoke-stream run: the body the peer sent
// is the model's family's, every chunk the SDK handed out decodes with
// that family's decoder to a whole answer, and the peer's own reading of
// the chunks found text, a stop reason and both token counts.
func checkPeerInvokeStream(t *testing.T, fam, model string, lines []map[string]any) {
	t.Helper()
	if len(lines) < 3 || lines[0]["body"] == nil || lines[len(lines)-1]["done"] != true {
		t.Fatalf("lines %v", lines)
	}
	body, err := json.Marshal(lines[0]["body"])
	if err != nil {
		t.Fatal(err)
	}
	codec, err := family.ForRequest(model, body)
	if err != nil || codec.Name() != fam {
		t.Fatalf("body %s: codec %v %v", body, codec, err)
	}
	dec := codec.NewStreamDecoder()
	var evs []rockstream.Event
	for _, l := range lines[1 : len(lines)-1] {
		chunk, err := json.Marshal(l["chunk"])
		if err != nil {
			t.Fatal(err)
		}
		if evs, err = dec.Decode(evs, chunk); err != nil {
			t.Fatalf("chunk %s: %v", chunk, err)
		}
	}
	if !dec.Done() {
		t.Fatal("the SDK's stream ended before the final chunk")
	}
	checkAnswer(t, evs)
	checkPeerReading(t, lines)
}

// checkPeerConverseStream checks a converse-stream run: Converse's events
// in order, with text, a stop reason and both token counts.
func checkPeerConverseStream(t *testing.T, lines []map[string]any) {
	t.Helper()
	names := eventNames(lines)
	if len(names) < 5 || names[0] != "messageStart" || names[len(names)-3] != "messageStop" ||
		names[len(names)-2] != "metadata" || names[len(names)-1] != "done" {
		t.Fatalf("events %v", names)
	}
	checkPeerReading(t, lines)
}

// checkPeerReading checks what the peer read from a stream: some text, a
// stop reason, and input and output token counts above zero.
func checkPeerReading(t *testing.T, lines []map[string]any) {
	t.Helper()
	var stops []string
	var input, output float64
	for _, l := range lines {
		if s, ok := l["stop"].(string); ok && s != "" {
			stops = append(stops, s)
		}
		input = max(input, number(l["inputTokens"]))
		output = max(output, number(l["outputTokens"]))
	}
	if text := joinText(lines); strings.TrimSpace(text) == "" || len(stops) != 1 || input == 0 || output == 0 {
		t.Errorf("text %q stops %v input %v output %v", text, stops, input, output)
	}
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}
