package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireNodeModules fails when the peer's packages are not installed
// (scripts/test runs npm ci first).
func requireNodeModules(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(conformanceDir("bedrock-node"), "node_modules")); err != nil {
		t.Fatalf("ROCKSTREAM_PEERS=1 but conformance/bedrock-node has no node_modules: run npm ci there (%v)", err)
	}
}

func TestNodeClients(t *testing.T) {
	node := requirePeer(t, "node")
	requireNodeModules(t)
	tests := []struct {
		name   string
		args   []string
		fault  bool
		expect func(t *testing.T, lines []map[string]any)
	}{
		{"aws sdk invoke stream", []string{"aws.mjs", "invoke-stream"}, false, func(t *testing.T, lines []map[string]any) {
			names := eventNames(lines)
			if names[0] != "message_start" || names[len(names)-2] != "message_stop" || names[len(names)-1] != "done" {
				t.Errorf("events %v", names)
			}
		}},
		{"aws sdk converse stream", []string{"aws.mjs", "converse-stream"}, false, func(t *testing.T, lines []map[string]any) {
			names := eventNames(lines)
			if names[0] != "messageStart" || names[len(names)-3] != "messageStop" || names[len(names)-2] != "metadata" || names[len(names)-1] != "done" {
				t.Errorf("events %v", names)
			}
		}},
		{"anthropic bedrock sdk", []string{"anthropic.mjs"}, false, func(t *testing.T, lines []map[string]any) {
			names := eventNames(lines)
			if names[0] != "message_start" || names[len(names)-2] != "message_stop" || names[len(names)-1] != "done" {
				t.Errorf("events %v", names)
			}
		}},
		{"aws sdk throttled", []string{"aws.mjs", "converse-stream", "ThrottlingException"}, true, func(t *testing.T, lines []map[string]any) {
			if last := lines[len(lines)-1]; last["error"] != "ThrottlingException" || last["status"] != float64(429) {
				t.Errorf("last line %v", last)
			}
		}},
		{"aws sdk mid-stream error", []string{"aws.mjs", "invoke-stream", "ModelStreamErrorException,after=5"}, true, func(t *testing.T, lines []map[string]any) {
			if last := lines[len(lines)-1]; last["error"] != "ModelStreamErrorException" || joinText(lines) == "" {
				t.Errorf("lines %v", lines)
			}
		}},
	}
	for _, tt := range tests {
		for _, via := range peerPaths {
			t.Run(via+"/"+tt.name, func(t *testing.T) {
				gate := newGate(instant())
				fault := ""
				if tt.fault {
					fault = tt.args[len(tt.args)-1]
				}
				r := startPeerServer(t, via, gate, fault)
				cmd := exec.Command(node, tt.args...)
				cmd.Dir = conformanceDir("bedrock-node")
				cmd.Env = peerEnv(r.URL)
				run := runPeer(t, cmd, func(sofar string) {
					if strings.Contains(sofar, `"text":"`) {
						gate.Open()
					}
				})
				gate.Open()
				if run.err != nil {
					t.Fatalf("node %v: %v\n%s", tt.args, run.err, run.stderr)
				}
				if err := gate.Held(); err != nil && !tt.fault {
					t.Error(err)
				}
				lines := jsonLines(t, run.stdout)
				if len(lines) == 0 {
					t.Fatalf("no output; stderr:\n%s", run.stderr)
				}
				if !tt.fault && joinText(lines) == "" {
					t.Errorf("no text in %v", lines)
				}
				tt.expect(t, lines)
			})
		}
	}
}
