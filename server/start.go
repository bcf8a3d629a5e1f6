package server

import (
	"context"
	"net"
	"sync"
)

// Running is a server started in-process.
type Running struct {
	// URL is the server's base URL, e.g. "http://127.0.0.1:49152".
	URL string

	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// Start listens on addr ("127.0.0.1:0" when empty) and serves o in the
// background until ctx ends or Close is called.
func Start(ctx context.Context, o Options, addr string) (*Running, error) {
	s, err := New(o)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Running{URL: baseURL(ln.Addr()), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- s.Serve(ctx, ln) }()
	return r, nil
}

// Close shuts the server down gracefully and waits for it.
func (r *Running) Close() error {
	r.once.Do(func() {
		r.cancel()
		r.err = <-r.done
	})
	return r.err
}

// baseURL is the URL a local client reaches addr at; an unspecified
// address is reached over loopback.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
