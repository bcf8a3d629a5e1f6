package perf

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
)

// RoleRelay is a process that copies bytes between each connection it
// accepts and a new connection to the runtime, and does nothing else: the
// least any process between client and runtime can add, the floor under
// what the gateway adds.
const RoleRelay = "relay"

// RoleHTTPProxy is the standard library's reverse proxy (httputil, flushing
// every write) over the same transports as the gateway: what an HTTP hop
// costs in Go before any Bedrock work.
const RoleHTTPProxy = "httpproxy"

// serveHTTPProxy runs RoleHTTPProxy until stdin closes.
func serveHTTPProxy() error {
	up, err := url.Parse(os.Getenv(envUpstream))
	if err != nil || up.Host == "" {
		return fmt.Errorf("perf: proxy needs %s, a URL: %v", envUpstream, err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(up) },
		Transport:     newClient().Transport,
		FlushInterval: -1,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: proxy, Protocols: &protocols}
	fmt.Printf("http://%s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// RoleEcho writes back every byte it reads, for BenchmarkWakeRoundTrip.
const RoleEcho = "echo"

// serveEcho runs RoleEcho until stdin closes.
func serveEcho() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("tcp://%s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return nil
		}
		go func() {
			defer c.Close()
			_, _ = io.Copy(c, c)
		}()
	}
}

// serveRelay runs RoleRelay until stdin closes.
func serveRelay() error {
	up, err := url.Parse(os.Getenv(envUpstream))
	if err != nil || up.Host == "" {
		return fmt.Errorf("perf: relay needs %s, a URL: %v", envUpstream, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
		ln.Close()
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		wg.Go(func() { relay(ctx, c, up.Host) })
	}
}

// relay copies c to and from a new connection to addr until either side
// ends or ctx is done.
func relay(ctx context.Context, c net.Conn, addr string) {
	defer c.Close()
	var d net.Dialer
	u, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return
	}
	defer u.Close()
	stop := context.AfterFunc(ctx, func() { c.Close(); u.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
	<-done
	c.Close()
	u.Close()
	<-done
}
