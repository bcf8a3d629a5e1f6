package main

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/catalog"
)

// conversePost sends a ConverseStream request for model to a serve and
// returns the response, body unread.
func conversePost(t *testing.T, url, model string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/model/"+model+"/converse-stream",
		strings.NewReader(`{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer local-test-key") // --auth any takes any well-formed key
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestModelsSyncWritesTheAccountsList runs models --sync against a
// serve's control plane standing in for an account, and serves the file
// it wrote with --models.
func TestModelsSyncWritesTheAccountsList(t *testing.T) {
	t.Parallel()
	account, _ := serve(t, nil, fast)
	path := filepath.Join(t.TempDir(), "account.json")
	creds := []string{"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1"}
	_, stderr, code := invocation{args: []string{"models", "--sync", path, "--endpoint-url", account}, env: creds}.run(t)
	if code != 0 || !strings.Contains(stderr, "wrote") {
		t.Fatalf("models --sync: exit %d\n%s", code, stderr)
	}
	f, err := catalog.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	listed := catalog.Embedded().FoundationModels("us-east-1").ModelSummaries
	if len(f.Models) != len(listed) {
		t.Errorf("synced %d models, the account lists %d", len(f.Models), len(listed))
	}
	var sonnet *catalog.Model
	for i, m := range f.Models {
		if m.Lifecycle == catalog.EOL {
			t.Errorf("synced an end-of-life model %s", m.ID)
		}
		if m.ID == "anthropic.claude-sonnet-4-5-20250929-v1:0" {
			sonnet = &f.Models[i]
		}
	}
	if sonnet == nil || sonnet.OnDemand || !slices.Equal(sonnet.Geographies, []string{"us", "global"}) ||
		sonnet.Family != "anthropic" || sonnet.MaxOutputTokens != 64000 || !sonnet.Supports(catalog.Thinking) {
		t.Fatalf("Claude Sonnet 4.5 synced as %+v", sonnet)
	}

	// The file serves as the model list, strictly: its models stream,
	// others are refused as Bedrock refuses them.
	url, _ := serve(t, nil, fast, "--models", path, "--strict-models")
	if resp := conversePost(t, url, "us.anthropic.claude-sonnet-4-5-20250929-v1:0"); resp.StatusCode != http.StatusOK {
		t.Errorf("synced model: %s", resp.Status)
	}
	resp := conversePost(t, url, "anthropic.claude-opus-9-20300101-v1:0")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-Errortype") == "" || !strings.Contains(resp.Header.Get("X-Amzn-Errortype"), "ValidationException") {
		t.Errorf("unseen model under --strict-models: %s %v", resp.Status, resp.Header)
	}
}

// TestServeModelsFileExtendsTheList serves a file that adds a model, and
// shows the fallback for a model neither list has seen.
func TestServeModelsFileExtendsTheList(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "models.json", `{"models":[{"id":"qwen.qwen9-1t-v1:0","name":"Qwen 9","maxOutputTokens":1000}]}`)
	url, w := serve(t, nil, fast, "--models", path)
	resp := conversePost(t, url, "qwen.qwen9-1t-v1:0")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Rockstream-Model-Fallback") != "" {
		t.Errorf("model from --models: %s, fallback %q", resp.Status, resp.Header.Get("X-Rockstream-Model-Fallback"))
	}
	resp = conversePost(t, url, "global.anthropic.claude-opus-9-20300101-v1:0")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Rockstream-Model-Fallback") != "anthropic" {
		t.Errorf("unseen model: %s, fallback %q", resp.Status, resp.Header.Get("X-Rockstream-Model-Fallback"))
	}
	w.waitUntil(t, "the fallback log line", func() bool {
		return strings.Contains(w.stderr(), "served as its provider's family") &&
			strings.Contains(w.stderr(), "model=global.anthropic.claude-opus-9-20300101-v1:0 family=anthropic")
	})

	bad := writeFile(t, "bad.json", `{"models":[{"id":"not-an-id"}]}`)
	if _, stderr, code := (invocation{args: []string{"serve", "--addr", "127.0.0.1:0", "--models", bad}}).run(t); code != 1 || !strings.Contains(stderr, bad) {
		t.Errorf("serve --models with a bad file: exit %d\n%s", code, stderr)
	}
}

// TestOfflineModelsFromEnvironment points the CLI's local runtime at a
// models file through ROCKSTREAM_MODELS.
func TestOfflineModelsFromEnvironment(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "models.json", `{"models":[{"id":"anthropic.claude-3-sonnet-20240229-v1:0","lifecycle":"EOL"}]}`)
	_, stderr, code := invocation{args: []string{fast, "hi"}, env: []string{"ROCKSTREAM_MODELS=" + path}}.run(t)
	if code != 1 || !strings.Contains(stderr, "end of its life") {
		t.Errorf("default model made end-of-life by ROCKSTREAM_MODELS: exit %d\n%s", code, stderr)
	}
	_, stderr, code = invocation{args: []string{fast, "--model", "us.anthropic.claude-opus-9-20300101-v1:0", "hi"}}.run(t)
	if code != 0 {
		t.Errorf("unseen Anthropic model offline: exit %d\n%s", code, stderr)
	}
}
