package gateway

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func FuzzParseLastEventID(f *testing.F) {
	for _, s := range []string{"", "0", "17", " 4 ", "-1", "+3", "1e3", "9223372036854775808", "abc", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseLastEventID(s)
		if err != nil {
			if n != 0 || err.StatusCode != http.StatusBadRequest && err.StatusCode != 0 || !strings.Contains(err.Message, "Last-Event-ID") {
				t.Fatalf("%q: %d, %+v: a refusal must be a validation error naming Last-Event-ID", s, n, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("%q: negative ID %d", s, n)
		}
		if trimmed := strings.TrimSpace(s); trimmed == "" && n != 0 {
			t.Fatalf("empty %q: %d, want 0", s, n)
		} else if trimmed != "" {
			if want, perr := strconv.ParseInt(trimmed, 10, 64); perr != nil || want != n {
				t.Fatalf("%q: %d, want %d (%v)", s, n, want, perr)
			}
		}
	})
}
