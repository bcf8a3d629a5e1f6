package runtime

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream"
)

func TestS3Path(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"s3://bucket":              "bucket",
		"s3://bucket/a/b/":         filepath.FromSlash("bucket/a/b"),
		"s3://my-bucket/runs/2025": filepath.FromSlash("my-bucket/runs/2025"),
	}
	for uri, want := range good {
		if got, err := s3Path(uri); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", uri, got, err, want)
		}
	}
	for _, uri := range []string{"s3://b/../../x", "s3://../x", "s3://b/a/../../..", "file:///etc", "s3:///x", "s3://b/x?y=1", "http://b/x"} {
		if got, err := s3Path(uri); err == nil {
			t.Errorf("%s: accepted as %q", uri, got)
		}
	}
}

func FuzzS3Path(f *testing.F) {
	f.Add("s3://bucket/prefix")
	f.Add("s3://b/../x")
	f.Fuzz(func(t *testing.T, uri string) {
		p, err := s3Path(uri)
		if err == nil && (!filepath.IsLocal(p) || strings.Contains(p, "..")) {
			t.Fatalf("%q maps outside the directory: %q", uri, p)
		}
	})
}

func TestAsyncStoreBounded(t *testing.T) {
	t.Parallel()
	s := newAsyncStore(t.TempDir(), 2)
	now := time.Unix(0, 0)
	for _, arn := range []string{"a", "b"} {
		if _, _, err := s.add(&asyncJob{arn: arn, status: asyncInProgress, submitted: now}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := s.add(&asyncJob{arn: "c", status: asyncInProgress})
	var re *rockstream.Error
	if !errors.As(err, &re) || re.Code != "ServiceQuotaExceededException" {
		t.Fatalf("full store of running jobs: err = %v", err)
	}
	s.finish("a", "", now)
	if _, started, err := s.add(&asyncJob{arn: "c", status: asyncInProgress}); err != nil || !started {
		t.Fatalf("after a job finished: started=%v err=%v", started, err)
	}
	if _, ok := s.get("a"); ok {
		t.Error("the oldest finished job was kept")
	}
	if got := len(s.list()); got != 2 {
		t.Errorf("%d jobs kept, want 2", got)
	}
}

func TestJournalBounded(t *testing.T) {
	t.Parallel()
	j := &journal{max: 3}
	for _, op := range []string{"a", "b", "c", "d", "e"} {
		j.add(journalEntry{Operation: op})
	}
	var ops []string
	for _, e := range j.entries {
		ops = append(ops, e.Operation)
	}
	if strings.Join(ops, "") != "cde" {
		t.Errorf("journal keeps %v, want the newest three, newest last", ops)
	}
}

func FuzzApplyGuardrailBody(f *testing.F) {
	f.Add(`{"source":"INPUT","content":[{"text":{"text":"hi"}}],"outputScope":"FULL"}`)
	f.Add(`{"source":"OUTPUT","content":[{"image":{}}]}`)
	h := &handler{maxBody: 1 << 20}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/guardrail/g/version/1/apply", strings.NewReader(body))
		r.SetPathValue("guardrailIdentifier", "g")
		r.SetPathValue("guardrailVersion", "1")
		check, err := h.decodeApplyGuardrail(httptest.NewRecorder(), r)
		if err == nil && check.Source != rockstream.GuardrailInput && check.Source != rockstream.GuardrailOutput {
			t.Fatalf("accepted source %q", check.Source)
		}
	})
}
