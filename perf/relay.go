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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: newHTTPProxy(up, newClient().Transport), Protocols: &protocols}
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

// newHTTPProxy is RoleHTTPProxy's handler: the standard reverse proxy to
// up over rt, flushing every write.
//
// Each request runs full duplex. Without that, net/http's HTTP/1.1 server
// closes a request body the handler has not finished with as soon as the
// response starts, while the proxy's Transport may still be about to read
// that body once more to check it ended: the read fails, the Transport
// counts it a write error and closes the upstream connection under the
// response it is relaying. A fast upstream (the unpaced runtime) answers
// inside that window often enough to cut a stream now and then.
func newHTTPProxy(up *url.URL, rt http.RoundTripper) http.Handler {
	proxy := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(up) },
		Transport:     rt,
		FlushInterval: -1,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// HTTP/2 is always full duplex and answers ErrNotSupported.
		_ = http.NewResponseController(w).EnableFullDuplex()
		proxy.ServeHTTP(w, r)
	})
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
