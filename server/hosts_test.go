package server

import (
	"net/http/httptest"
	"testing"
)

func FuzzHostAllowed(f *testing.F) {
	for _, s := range []string{"localhost:8080", "[::1]:1", "127.0.0.1", "rebind.evil.example", "a.localhost.", "[::ffff:127.0.0.1]:80", "[", "localhost.evil", ""} {
		f.Add(s, "dev.example")
	}
	f.Fuzz(func(t *testing.T, host, allowed string) {
		name := hostname(host)
		if hostAllowed(host, nil) && name != "" && !isLoopbackName(name) {
			t.Fatalf("%q (%q) allowed with no names given", host, name)
		}
		if name != "" && !hostAllowed(host, []string{name}) {
			t.Fatalf("%q refused with its own name %q allowed", host, name)
		}
		_ = hostAllowed(host, []string{allowed, "*." + allowed})
	})
}

func FuzzSurfaceAndCleanPath(f *testing.F) {
	for _, p := range []string{"/model/x/invoke", "//model/x", "/v1/../x", "/%761/models", "/a/./b/", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := cleanPath(p)
		if cleanPath(c) != c {
			t.Fatalf("cleanPath(%q) = %q is not clean", p, c)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawPath = p, ""
		_ = surfaceOf(r)
	})
}
