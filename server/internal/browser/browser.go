// Package browser holds what the server knows about requests a web page
// can make: whose origin they come from, and which content types a page
// may send to another origin without a CORS preflight ("simple"
// requests), which therefore never reach a JSON endpoint's handler.
package browser

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// OriginAllowed reports whether r may proceed as far as its Origin header
// goes: it has none (not a browser, or a same-origin navigation), it
// names the server's own origin (the web page calling the API), or it is
// in allowed ("*" allows every origin).
func OriginAllowed(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	return SameOrigin(r, origin) || slices.Contains(allowed, origin) || slices.Contains(allowed, "*")
}

// SameOrigin reports whether origin is the origin r was sent to: the
// scheme it arrived over and its Host. The Host has been checked by then
// on a loopback server, so a rebound name cannot pass as its own origin.
func SameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, r.Host)
}

// MediaType is the lower-cased media type of a Content-Type value, its
// parameters dropped: "application/json" for "Application/JSON; charset=utf-8".
func MediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// IsJSON reports whether a Content-Type value names JSON:
// application/json or a +json type.
func IsJSON(contentType string) bool {
	mt := MediaType(contentType)
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// IsSimple reports whether a Content-Type value is one a page may send to
// any origin without a preflight. A JSON endpoint that accepted one would
// run requests forged by any site the user visits.
func IsSimple(contentType string) bool {
	switch MediaType(contentType) {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}
