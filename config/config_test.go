package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleFile(t *testing.T) {
	t.Parallel()
	f, err := Read("../examples/rockstream.yaml")
	if err != nil {
		t.Fatalf("the example file: %v", err)
	}
	flags := f.Flags()
	for name, want := range map[string]string{
		"addr": "0.0.0.0:8080", "auth": "strict", "resume": "5m0s", "redis": "redis://redis:6379/0",
		"otlp-endpoint": "http://otel-collector:4318", "max-body-bytes": "20971520", "pace": "ttft=300ms,tps=40",
	} {
		if flags[name] != want {
			t.Errorf("flag %s = %q, want %q", name, flags[name], want)
		}
	}
	if routes := f.Inline()["routes"]; !strings.Contains(string(routes), `"anthropic.*"`) {
		t.Errorf("inline routes = %s", routes)
	}
	team2 := f.Quotas.For("team2-gateway-key")
	if team2.ConcurrentStreams != 32 || team2.TokenBudget != 5_000_000 || team2.BudgetPeriod != 24*time.Hour {
		t.Errorf("team2's quota = %+v", team2)
	}
	if d := f.Quotas.For("anyone else"); d.RequestsPerMinute != 60 {
		t.Errorf("default quota = %+v", d)
	}
	if len(f.Auth.AccessKeys) != 1 || f.Auth.AccessKeys[0].ID != "AKIDEXAMPLETEAM1" {
		t.Errorf("access keys = %+v", f.Auth.AccessKeys)
	}
}

// TestBrokenFiles: every mistake names its line and column.
func TestBrokenFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml string
		line, col  int
		want       string
	}{
		{"unknown section", "server:\n  addr: x\nservre:\n  addr: y\n", 3, 1, "unknown field"},
		{"unknown field", "server:\n  adr: x\n", 2, 3, "unknown field \"adr\""},
		{"bad syntax", "server:\n  addr: [x\n", 2, 9, ""},
		{"wrong type", "limits:\n  max_body_bytes: lots\n", 2, 19, ""},
		{"bad duration", "gateway:\n  resume: soon\n", 2, 11, ""},
		{"negative duration", "gateway:\n  resume: -1s\n", 2, 11, "must not be negative"},
		{"bad backend", "server:\n  backend: gpt\n", 2, 12, "must be one of"},
		{"bad mode", "auth:\n  mode: loose\n", 2, 9, "any or strict"},
		{"key without secret", "auth:\n  access_keys:\n    - id: AKID\n", 3, 9, "needs both id and secret"},
		{"bad pace", "backends:\n  pace: tps=fast\n", 2, 9, "tps"},
		{"bad inline routes", "backends:\n  routes:\n    default: nowhere\n    routes: 3\n", 2, 3, "routes"},
		{"missing side file", "backends:\n  rules: no-such-rules.json\n", 2, 10, "no-such-rules.json"},
		{"bad redis", "redis:\n  url: mysql://x\n", 2, 8, "redis.url"},
		{"negative quota", "quotas:\n  default:\n    requests_per_minute: -1\n", 3, 26, "requests_per_minute must not be negative"},
		{"negative key quota", "quotas:\n  keys:\n    secret-key:\n      concurrent_streams: -2\n", 4, 27, "concurrent_streams"},
		{"not a mapping", "- server\n", 1, 1, "mapping"},
		{"bad otlp", "tracing:\n  otlp_endpoint: collector:4318\n", 2, 18, "http://"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("rockstream.yaml", []byte(tt.yaml))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, want an *Error", err)
			}
			if e.Line != tt.line || e.Column != tt.col || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q at %d:%d, want %d:%d containing %q", err, e.Line, e.Column, tt.line, tt.col, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "rockstream.yaml:") {
				t.Fatalf("error %q does not name the file", err)
			}
			if strings.Contains(err.Error(), "secret-key") {
				t.Fatalf("error %q shows a key", err)
			}
		})
	}
}

func TestSideFileByPathIsRelativeToTheConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "map.json"), []byte(`{"*":"llama3.2"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rockstream.yaml")
	if err := os.WriteFile(path, []byte("backends:\n  model_map: map.json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Flags()["model-map"]; got != filepath.Join(dir, "map.json") {
		t.Fatalf("model-map = %q", got)
	}
	if len(f.Inline()) != 0 {
		t.Fatalf("a side file by path shows inline: %v", f.Inline())
	}
}

func TestEmptyFileIsValid(t *testing.T) {
	t.Parallel()
	f, err := Parse("empty.yaml", []byte("# nothing set\n"))
	if err != nil || len(f.Flags()) != 0 {
		t.Fatalf("Parse = %v, flags %v", err, f.Flags())
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../examples/rockstream.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("server:\n  addr: [x\n"))
	f.Add([]byte("quotas:\n  keys:\n    k:\n      token_budget: 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		_ = cfg.Flags()
	})
}
