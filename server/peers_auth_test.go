package server_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
)

// TestPeersStrictAuth checks that strict mode accepts each client's real
// SigV4 signature (botocore over HTTP/1.1; the JavaScript SDKs over
// HTTP/2, which sign :authority) and rejects a wrong secret.
func TestPeersStrictAuth(t *testing.T) {
	python := requirePeer(t, "python3")
	node := requirePeer(t, "node")
	requireNodeModules(t)
	tests := []struct {
		name    string
		program string
		dir     string
		args    []string
	}{
		{"boto3 ConverseStream", python, "bedrock-python", []string{"converse_stream.py"}},
		{"JS SDK IMWRS", node, "bedrock-node", []string{"aws.mjs", "invoke-stream"}},
		{"JS SDK ConverseStream", node, "bedrock-node", []string{"aws.mjs", "converse-stream"}},
		{"Anthropic Bedrock SDK", node, "bedrock-node", []string{"anthropic.mjs"}},
	}
	r := startServer(t, server.Options{
		Backend: instant(),
		Auth:    auth.Config{Mode: auth.ModeStrict, AccessKeys: []auth.AccessKey{{AccessKeyID: "AKIDLOCAL", SecretAccessKey: "local-secret"}}},
	})
	for _, tt := range tests {
		for _, secret := range []string{"local-secret", "wrong-secret"} {
			t.Run(tt.name+"/"+secret, func(t *testing.T) {
				cmd := exec.Command(tt.program, tt.args...)
				cmd.Dir = conformanceDir(tt.dir)
				cmd.Env = append(peerEnv(r.URL), "AWS_SECRET_ACCESS_KEY="+secret)
				run := runPeer(t, cmd, nil)
				if run.err != nil {
					t.Fatalf("%v: %v\n%s", tt.args, run.err, run.stderr)
				}
				lines := jsonLines(t, run.stdout)
				last := lines[len(lines)-1]
				if secret == "local-secret" {
					if last["done"] != true || joinText(lines) == "" {
						t.Errorf("the client's signature was not accepted: %v", last)
					}
					return
				}
				if last["status"] != float64(403) || !strings.Contains(last["message"].(string), "signature we calculated does not match") {
					t.Errorf("wrong secret: %v", last)
				}
			})
		}
	}
}
