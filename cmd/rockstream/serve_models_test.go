package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// TestServeModelsAreCallable asks a running serve for GET /v1/models: the
// list starts with the lab's model and offers, for models that need an
// inference profile, the region's profile (Canada's regions use the US
// ones), never an end-of-life model or a bare ID that cannot be invoked.
func TestServeModelsAreCallable(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, []string{"AWS_REGION=ca-central-1"}, fast)
	resp, err := http.Get(url + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/models: %s, %v", resp.Status, err)
	}
	var ids []string
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	if len(ids) == 0 || ids[0] != "anthropic.claude-3-sonnet-20240229-v1:0" {
		t.Fatalf("the list does not start with the lab's model: %q", ids)
	}
	for _, want := range []string{"us.anthropic.claude-3-7-sonnet-20250219-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-lite-v1:0"} {
		if !slices.Contains(ids, want) {
			t.Errorf("missing %s in %q", want, ids)
		}
	}
	for _, bad := range []string{"anthropic.claude-instant-v1", "anthropic.claude-v2", "anthropic.claude-3-7-sonnet-20250219-v1:0", "ca.anthropic.claude-3-7-sonnet-20250219-v1:0"} {
		if slices.Contains(ids, bad) {
			t.Errorf("offers %s, which cannot be called", bad)
		}
	}
}
