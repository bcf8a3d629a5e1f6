package server

import (
	"net"
	"strings"
)

// hostAllowed reports whether a request's Host (name or address, any
// port) is one this machine answers to: a loopback name (localhost,
// *.localhost, 127.0.0.0/8, ::1) or one of allowed, each a name, an
// address or "*.domain" for its subdomains. An empty Host (HTTP/1.0)
// names nothing a page could have rebound, so it passes.
func hostAllowed(hostport string, allowed []string) bool {
	host := hostname(hostport)
	if host == "" || isLoopbackName(host) {
		return true
	}
	for _, a := range allowed {
		a = hostname(a)
		if a == host {
			return true
		}
		if suffix, ok := strings.CutPrefix(a, "*."); ok && strings.HasSuffix(host, "."+suffix) {
			return true
		}
	}
	return false
}

// hostname is the lower-cased name or address of host[:port], without
// brackets or a trailing dot.
func hostname(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	} else if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// isLoopbackName reports whether host only ever names this machine:
// localhost and its subdomains (RFC 6761) and loopback addresses.
func isLoopbackName(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
