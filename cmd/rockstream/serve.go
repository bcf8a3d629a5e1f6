package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/rockstream/rockstream/metrics"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/web"
)

const serveUsage = `rockstream serve [flags]`

const serveAbout = `Runs rockstream's local Bedrock Runtime: the official AWS SDKs talk to it
unchanged through an endpoint URL (InvokeModel[WithResponseStream],
Converse[Stream], ListFoundationModels), with the web page at GET /, Prometheus
metrics at GET /metrics and GET /healthz. Ctrl-C or SIGTERM
stops it gracefully: streams in flight get a few seconds to finish, and the
exit code is 0. Requests are logged on stderr.

With --auth any (the default) any well-formed SigV4 signature or Bedrock API
key is accepted, so the server listens on loopback only unless --insecure is
given. --auth strict accepts only the keys in --keys-file:
  {"accessKeys":[{"accessKeyId":"…","secretAccessKey":"…"}],"apiKeys":["…"]}`

// runServe serves until ctx ends.
func runServe(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` host:port (port 0 picks a free one)")
	region := fs.String("region", defaultRegion, "region the runtime reports in ARNs")
	authMode := fs.String("auth", string(auth.ModeAny), "authentication: any (every well-formed credential) or strict (only --keys-file's keys)")
	keysFile := fs.String("keys-file", "", "JSON `file` of the access keys and API keys --auth strict accepts")
	insecure := fs.Bool("insecure", false, "allow --auth any on an address other than loopback")
	var bf backendFlags
	fs.StringVar(&bf.name, "backend", "builtin", "where answers come from: "+backendNames)
	fs.StringVar(&bf.pace, "pace", "", "builtin model's default pace, e.g. ttft=300ms,tps=40,jitter=0.2 (default: a real model's)")
	fs.StringVar(&bf.rules, "rules", "", "builtin model's fault, pace and quota rules `file`")
	fs.StringVar(&bf.script, "script", "", "builtin model's scripted answers `file`")
	positional, code, done := c.parseFlags(fs, args, func() string { return helpText(fs, serveUsage, serveAbout) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("serve", usageErrorf("serve takes no arguments, not %q", positional[0]))
	}
	mode, err := auth.ParseMode(*authMode)
	if err != nil {
		return c.usage("serve", usageErrorf("--auth must be any or strict, not %q", *authMode))
	}
	authCfg := auth.Config{Mode: mode}
	if *keysFile != "" {
		if err := authCfg.LoadFile(*keysFile); err != nil {
			return c.fail("serve", err)
		}
	}
	if err := server.CheckListen(*addr, mode, *insecure); err != nil {
		return c.usage("serve", err)
	}
	backend, err := newBackend(bf)
	if err != nil {
		return c.fail("serve", err)
	}
	m := metrics.New()
	srv, err := server.New(server.Options{
		Backend: m.Instrument(backend),
		Auth:    authCfg,
		Logger:  slog.New(slog.NewTextHandler(c.stderr, nil)),
		Region:  *region,
		Mount: func(mux *http.ServeMux) {
			mux.Handle("GET /metrics", m.Handler())
			mux.Handle("GET /", web.Handler())
		},
	})
	if err != nil {
		return c.fail("serve", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return c.fail("serve", err)
	}
	fmt.Fprintf(c.stderr, "rockstream: serving the Bedrock Runtime at http://%s (backend %s, auth %s); Ctrl-C stops.\n",
		ln.Addr(), bf.name, mode)
	if err := srv.Serve(ctx, ln); err != nil {
		return c.fail("serve", err)
	}
	fmt.Fprintln(c.stderr, "rockstream: stopped.")
	return exitOK
}
