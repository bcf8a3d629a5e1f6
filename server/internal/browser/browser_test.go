package browser

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestOriginAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, host, origin string
		tls                bool
		allowed            []string
		want               bool
	}{
		{"no origin", "127.0.0.1:8080", "", false, nil, true},
		{"own origin", "127.0.0.1:8080", "http://127.0.0.1:8080", false, nil, true},
		{"own origin, case", "LOCALHOST:8080", "http://localhost:8080", false, nil, true},
		{"own origin over TLS", "api.example:443", "https://api.example:443", true, nil, true},
		{"other port", "127.0.0.1:8080", "http://127.0.0.1:3000", false, nil, false},
		{"other scheme", "127.0.0.1:8080", "https://127.0.0.1:8080", false, nil, false},
		{"other site", "127.0.0.1:8080", "https://evil.example", false, nil, false},
		{"opaque origin", "127.0.0.1:8080", "null", false, nil, false},
		{"origin with a path", "127.0.0.1:8080", "http://127.0.0.1:8080/x", false, nil, false},
		{"listed", "127.0.0.1:8080", "https://app.example", false, []string{"https://app.example"}, true},
		{"wildcard", "127.0.0.1:8080", "https://any.example", false, []string{"*"}, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/v1/messages", nil)
		r.Host = tt.host
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if got := OriginAllowed(r, tt.allowed); got != tt.want {
			t.Errorf("%s: OriginAllowed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestContentTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ct           string
		json, simple bool
	}{
		{"application/json", true, false},
		{"Application/JSON; charset=utf-8", true, false},
		{"application/vnd.api+json", true, false},
		{"", false, false},
		{"application/octet-stream", false, false},
		{"text/plain", false, true},
		{"text/plain;charset=UTF-8", false, true},
		{" TEXT/PLAIN ", false, true},
		{"application/x-www-form-urlencoded", false, true},
		{"multipart/form-data; boundary=x", false, true},
		{"text/json", false, false},
	}
	for _, tt := range tests {
		if IsJSON(tt.ct) != tt.json || IsSimple(tt.ct) != tt.simple {
			t.Errorf("%q: IsJSON %v IsSimple %v, want %v %v", tt.ct, IsJSON(tt.ct), IsSimple(tt.ct), tt.json, tt.simple)
		}
	}
}
