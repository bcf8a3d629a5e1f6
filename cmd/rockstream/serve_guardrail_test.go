package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// applyGuardrail posts an ApplyGuardrail body to the runtime at url and
// returns the status, the error type header and the body of the answer.
func applyGuardrail(t *testing.T, url, id, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/guardrail/"+id+"/version/1/apply", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer local-key")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("X-Amzn-Errortype"), string(b)
}

// TestServeRelaysApplyGuardrail: serve --backend bedrock passes
// ApplyGuardrail on to the Bedrock whose guardrails they are, the body
// unchanged (a field this runtime does not model included) and the
// answer unchanged, refusals included; it does not answer for guardrails
// it does not have.
func TestServeRelaysApplyGuardrail(t *testing.T) {
	t.Parallel()
	rules := writeFile(t, "rules.json", `{"guardrails":[{"id":"gr-1","versions":["DRAFT","1"],"words":["frobnicate"],
		"blockedInputMessaging":"Input blocked."}]}`)
	upstream, _ := serve(t, nil, fast, "--rules", rules)
	relay, _ := serve(t, nil, "--backend", "bedrock", "--endpoint-url", upstream)
	const body = `{"source":"INPUT","content":[{"text":{"text":"please frobnicate the widget"}}],"outputScope":"FULL","futureField":{"kept":true}}`

	direct, _, want := applyGuardrail(t, upstream, "gr-1", body)
	status, _, got := applyGuardrail(t, relay, "gr-1", body)
	if direct != http.StatusOK || !strings.Contains(want, `"GUARDRAIL_INTERVENED"`) {
		t.Fatalf("the upstream itself: %d %s", direct, want)
	}
	if status != direct || got != want {
		t.Errorf("through serve --backend bedrock: %d %s\nwant the upstream's answer as it came: %d %s", status, got, direct, want)
	}

	directStatus, directType, _ := applyGuardrail(t, upstream, "gr-nope", body)
	status, errType, _ := applyGuardrail(t, relay, "gr-nope", body)
	if status != directStatus || errType != directType || !strings.HasPrefix(errType, "ResourceNotFoundException") {
		t.Errorf("an unknown guardrail through the relay: %d %q; the upstream says %d %q", status, errType, directStatus, directType)
	}

	res, err := http.Get(upstream + "/_rockstream/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var journal struct {
		Requests []struct {
			Operation string
			Body      json.RawMessage
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&journal); err != nil {
		t.Fatal(err)
	}
	var relayed []string
	for _, r := range journal.Requests {
		if r.Operation == "ApplyGuardrail" {
			relayed = append(relayed, string(r.Body))
		}
	}
	// Each body twice: once sent straight to the upstream, once relayed.
	if len(relayed) != 4 || relayed[1] != body || relayed[3] != body {
		t.Errorf("ApplyGuardrail bodies the upstream received: %q; want each as sent, %s", relayed, body)
	}
}
