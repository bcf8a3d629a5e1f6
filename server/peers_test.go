package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The peer tests drive rockstream with the official clients of other
// languages (boto3, the AWS SDK for JavaScript, Anthropic's Bedrock SDK):
// the clients run unchanged, with the local runtime's URL and dummy
// credentials in their environment.

// requirePeer skips unless ROCKSTREAM_PEERS=1, and fails if it is set but
// the peer's program is missing.
func requirePeer(t *testing.T, program string) string {
	t.Helper()
	if os.Getenv("ROCKSTREAM_PEERS") != "1" {
		t.Skip("peer test: set ROCKSTREAM_PEERS=1 to run it")
	}
	path, err := exec.LookPath(program)
	if err != nil {
		t.Fatalf("ROCKSTREAM_PEERS=1 but %s is missing: %v", program, err)
	}
	return path
}

// peerEnv is an environment that points every AWS and Anthropic client at
// url with dummy credentials and nothing from this machine's AWS setup.
func peerEnv(url string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "ANTHROPIC_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AWS_ENDPOINT_URL_BEDROCK_RUNTIME="+url,
		"ANTHROPIC_BEDROCK_BASE_URL="+url,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDLOCAL",
		"AWS_SECRET_ACCESS_KEY=local-secret",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
	)
}

// peerRun is one run of a peer program.
type peerRun struct {
	stdout string
	stderr string
	err    error
}

// runPeer runs cmd, calling onOutput with everything written to stdout so
// far each time more arrives, while the program still runs.
func runPeer(t *testing.T, cmd *exec.Cmd, onOutput func(sofar string)) peerRun {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var sofar strings.Builder
	buf := make([]byte, 4096)
	r := bufio.NewReader(out)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			sofar.Write(buf[:n])
			if onOutput != nil {
				onOutput(sofar.String())
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	err = cmd.Wait()
	return peerRun{stdout: sofar.String(), stderr: stderr.String(), err: err}
}

// jsonLines decodes a peer's JSON-lines output.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("peer line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// conformanceDir is the directory of a peer's scripts.
func conformanceDir(name string) string {
	return filepath.Join("..", "conformance", name)
}
