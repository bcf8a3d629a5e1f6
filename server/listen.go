package server

import (
	"fmt"
	"net"
	"strings"

	"github.com/rockstream/rockstream/server/auth"
)

// CheckListen refuses to serve without authentication beyond this machine:
// in mode any, addr must be a loopback address unless insecure is set.
func CheckListen(addr string, mode auth.Mode, insecure bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("server: listen address %q: %w", addr, err)
	}
	if mode == auth.ModeStrict || insecure || isLoopback(host) {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "all interfaces"
	}
	return fmt.Errorf("server: refusing to listen on %s (%s) with auth mode any, which accepts any credentials: "+
		"use a loopback address, strict auth, or --insecure", addr, shown)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
