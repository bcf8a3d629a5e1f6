package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// do sends method to url with headers given in pairs.
func do(t *testing.T, method, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// finishedStream runs a whole resumable chat stream with key and returns
// its ID.
func finishedStream(t *testing.T, url, key string) string {
	t.Helper()
	res := post(t, url+"/v1/chat/completions", chatBody, "Authorization", "Bearer "+key)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream: status %d %s", res.StatusCode, bodyOf(t, res))
	}
	readEvents(t, res.Body)
	return res.Header.Get(HeaderStreamID)
}

// TestStreamsBelongToTheirKey: another key can neither resume nor stop a
// stream, and is told it does not exist, exactly as for a missing one.
func TestStreamsBelongToTheirKey(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("mine")...), APIKeys: []string{"sk-alice", "sk-mallory"},
		Resume: ResumeOptions{Retention: time.Hour}})
	id := finishedStream(t, srv.URL, "sk-alice")
	streamURL := srv.URL + "/v1/streams/" + id

	missing := do(t, http.MethodGet, srv.URL+"/v1/streams/nope", "Authorization", "Bearer sk-mallory")
	missingBody := strings.ReplaceAll(string(bodyOf(t, missing)), "nope", id)
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		res := do(t, method, streamURL, "Authorization", "Bearer sk-mallory")
		body := string(bodyOf(t, res))
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s by another key: status %d %s, want 404", method, res.StatusCode, body)
		}
		if method == http.MethodGet && body != missingBody {
			t.Errorf("GET by another key says %s; a missing stream says %s", body, missingBody)
		}
	}

	res := do(t, http.MethodGet, streamURL, "Authorization", "Bearer sk-alice", "Last-Event-ID", "1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET by its key: status %d %s", res.StatusCode, bodyOf(t, res))
	}
	if got := chatText(t, readEvents(t, res.Body)); got != "mine" {
		t.Errorf("resumed text %q", got)
	}
	if res := do(t, http.MethodDelete, streamURL, "x-api-key", "sk-alice"); res.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE by its key: status %d %s", res.StatusCode, bodyOf(t, res))
	}
}

// TestLastEventIDPastTheEnd: an event ID the stream never sent is a 400
// in the caller's dialect that names Last-Event-ID, not an empty stream.
func TestLastEventIDPastTheEnd(t *testing.T) {
	srv, _ := newServer(t, Options{Backend: newFake(story("a", "b")...), Resume: ResumeOptions{Retention: time.Hour}})
	res := post(t, srv.URL+"/v1/chat/completions", chatBody)
	msgs := readEvents(t, res.Body)
	id, last := res.Header.Get(HeaderStreamID), msgs[len(msgs)-1].ID
	url := srv.URL + "/v1/streams/" + id

	if res := do(t, http.MethodGet, url, "Last-Event-ID", last); res.StatusCode != http.StatusOK || len(readEvents(t, res.Body)) != 0 {
		t.Errorf("Last-Event-ID at the end (%s): status %d, want an empty 200", last, res.StatusCode)
	}
	res = do(t, http.MethodGet, url, "Last-Event-ID", "999")
	var oe struct {
		Error struct {
			Type, Message string
			Param         *string
		}
	}
	if err := json.Unmarshal(bodyOf(t, res), &oe); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadRequest || oe.Error.Type != "invalid_request_error" ||
		oe.Error.Param == nil || *oe.Error.Param != "Last-Event-ID" || !strings.Contains(oe.Error.Message, "Last-Event-ID 999") {
		t.Errorf("openai: status %d %+v, want a 400 naming Last-Event-ID", res.StatusCode, oe)
	}

	res = do(t, http.MethodGet, url+"?last_event_id=999", "anthropic-version", "2023-06-01")
	var ae struct {
		Type  string
		Error struct{ Type, Message string }
	}
	if err := json.Unmarshal(bodyOf(t, res), &ae); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadRequest || ae.Type != "error" || ae.Error.Type != "invalid_request_error" ||
		!strings.Contains(ae.Error.Message, "Last-Event-ID") {
		t.Errorf("anthropic: status %d %+v, want a 400 naming Last-Event-ID", res.StatusCode, ae)
	}
}
