package server_test

import (
	"os/exec"
	"slices"
	"testing"
)

// TestPythonApplyGuardrail calls ApplyGuardrail through boto3, on the
// runtime and through a relay (the bedrock backend passes the call on): a
// denied topic blocks, an address is masked, clean text passes, and an
// unknown guardrail is boto3's ResourceNotFoundException.
func TestPythonApplyGuardrail(t *testing.T) {
	python := requirePeer(t, "python3")
	for _, via := range peerPaths {
		t.Run(via, func(t *testing.T) { pythonApplyGuardrail(t, python, via) })
	}
}

func pythonApplyGuardrail(t *testing.T, python, via string) {
	r := startPeerServer(t, via, guarded(t), "")
	cmd := exec.Command(python, "apply_guardrail.py")
	cmd.Dir = conformanceDir("bedrock-python")
	cmd.Env = peerEnv(r.URL)
	run := runPeer(t, cmd, func(string) {})
	if run.err != nil {
		t.Fatalf("apply_guardrail.py: %v\n%s", run.err, run.stderr)
	}
	lines := jsonLines(t, run.stdout)
	if len(lines) != 4 {
		t.Fatalf("lines %v", lines)
	}
	strs := func(v any) []string {
		var out []string
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	}
	blocked, masked, clean, missing := lines[0], lines[1], lines[2], lines[3]
	if blocked["action"] != "GUARDRAIL_INTERVENED" || !slices.Equal(strs(blocked["outputs"]), []string{"Input blocked."}) ||
		!slices.Contains(strs(blocked["policies"]), "topicPolicy") || blocked["topicUnits"] != float64(1) {
		t.Errorf("blocked: %v", blocked)
	}
	if masked["action"] != "GUARDRAIL_INTERVENED" || !slices.Equal(strs(masked["outputs"]), []string{"Write to {EMAIL} for details."}) ||
		!slices.Contains(strs(masked["policies"]), "sensitiveInformationPolicy") {
		t.Errorf("masked: %v", masked)
	}
	if outs, _ := clean["outputs"].([]any); clean["action"] != "NONE" || len(outs) != 0 {
		t.Errorf("clean: %v", clean)
	}
	if missing["error"] != "ResourceNotFoundException" || missing["status"] != float64(404) {
		t.Errorf("unknown guardrail: %v", missing)
	}
}
