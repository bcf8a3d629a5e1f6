package server_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/dialect/anthropic"
)

// TestPythonLab runs the workshop lab's script unchanged with boto3: the
// first text must be printed while the stream is held open, and the whole
// output must be exactly the builtin model's answer.
func TestPythonLab(t *testing.T) {
	python := requirePeer(t, "python3")
	for _, via := range peerPaths {
		t.Run(via, func(t *testing.T) { pythonLab(t, python, via) })
	}
}

func pythonLab(t *testing.T, python, via string) {
	model := instant()
	gate := newGate(model)
	r := startPeerServer(t, via, gate, "")

	cmd := exec.Command(python, "lab.py")
	cmd.Dir = conformanceDir("bedrock-python")
	cmd.Env = peerEnv(r.URL)
	run := runPeer(t, cmd, func(sofar string) {
		if strings.TrimSpace(sofar) != "" {
			gate.Open()
		}
	})
	if run.err != nil {
		t.Fatalf("lab.py: %v\n%s", run.err, run.stderr)
	}
	if err := gate.Held(); err != nil {
		t.Fatal(err)
	}
	req, err := anthropic.Codec{}.DecodeRequest(sonnet, []byte(`{"anthropic_version":"bedrock-2023-05-31","max_tokens":8000,"temperature":0,`+
		`"messages":[{"role":"user","content":[{"type":"text","text":"Tell me a story about a lighthouse keeper."}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Model = sonnet
	want := strings.Join(model.Tokens(req), "") + "\n"
	if run.stdout != want {
		t.Errorf("lab.py printed\n%q\nwant\n%q", run.stdout, want)
	}
}

func TestPythonConverseStream(t *testing.T) {
	python := requirePeer(t, "python3")
	tests := []struct {
		name, fault string
		check       func(t *testing.T, lines []map[string]any)
	}{
		{"complete", "", func(t *testing.T, lines []map[string]any) {
			names := eventNames(lines)
			if len(names) < 5 || names[0] != "messageStart" || names[len(names)-3] != "messageStop" || names[len(names)-2] != "metadata" || names[len(names)-1] != "done" {
				t.Errorf("events %v", names)
			}
			if text := joinText(lines); text == "" {
				t.Error("no text")
			}
		}},
		{"throttled before the stream", "ThrottlingException", func(t *testing.T, lines []map[string]any) {
			last := lines[len(lines)-1]
			if last["error"] != "ThrottlingException" || last["status"] != float64(429) {
				t.Errorf("last line %v", last)
			}
		}},
		{"model error mid-stream", "ModelStreamErrorException,after=5", func(t *testing.T, lines []map[string]any) {
			last := lines[len(lines)-1]
			if last["error"] != "modelStreamErrorException" || last["inStream"] != true || joinText(lines) == "" {
				t.Errorf("lines %v", lines)
			}
		}},
	}
	for _, tt := range tests {
		for _, via := range peerPaths {
			t.Run(via+"/"+tt.name, func(t *testing.T) {
				gate := newGate(builtin.New(builtin.Options{Pace: &builtin.Pace{}}))
				r := startPeerServer(t, via, gate, tt.fault)
				args := []string{"converse_stream.py"}
				if tt.fault != "" {
					args = append(args, tt.fault)
				} else {
					defer func() {
						if err := gate.Held(); err != nil {
							t.Error(err)
						}
					}()
				}
				cmd := exec.Command(python, args...)
				cmd.Dir = conformanceDir("bedrock-python")
				cmd.Env = peerEnv(r.URL)
				run := runPeer(t, cmd, func(sofar string) {
					if strings.Contains(sofar, `"text": "`) {
						gate.Open()
					}
				})
				gate.Open()
				if run.err != nil {
					t.Fatalf("converse_stream.py: %v\n%s", run.err, run.stderr)
				}
				tt.check(t, jsonLines(t, run.stdout))
			})
		}
	}
}

// eventNames lists each line's event, "done" or error.
func eventNames(lines []map[string]any) []string {
	var names []string
	for _, l := range lines {
		switch {
		case l["event"] != nil:
			names = append(names, l["event"].(string))
		case l["done"] == true:
			names = append(names, "done")
		case l["error"] != nil:
			names = append(names, "error:"+l["error"].(string))
		}
	}
	return names
}

func joinText(lines []map[string]any) string {
	var sb strings.Builder
	for _, l := range lines {
		if s, ok := l["text"].(string); ok {
			sb.WriteString(s)
		}
	}
	return sb.String()
}
