package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rockstream/rockstream/backend/replay"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/metrics"
	"github.com/rockstream/rockstream/server"
	"github.com/rockstream/rockstream/server/auth"
	"github.com/rockstream/rockstream/server/gateway"
	"github.com/rockstream/rockstream/web"
)

const serveUsage = `rockstream serve [flags]
rockstream serve --backend bedrock [--region R] [--endpoint-url URL]
rockstream serve --backend openai --upstream URL [--model-map FILE]
rockstream serve --backend replay --replay DIR [--speed F]
rockstream serve --routes FILE [backend flags]`

const serveAbout = `Runs rockstream's server on one port: a Bedrock Runtime that the official AWS
SDKs talk to unchanged through an endpoint URL (InvokeModel[WithResponseStream],
Converse[Stream], ListFoundationModels), OpenAI- and Anthropic-compatible
streaming endpoints (POST /v1/chat/completions, GET /v1/models, POST
/v1/messages, GET /v1/streams/{id} to resume), the web page at GET /,
Prometheus metrics at GET /metrics and GET /healthz. Requests are logged on
stderr. Ctrl-C or SIGTERM stops it gracefully: gateway streams end with an
error event saying the server is shutting down, Bedrock streams get a few
seconds to finish, and the exit code is 0.

Backends (--backend):
  builtin  the deterministic local model (--pace, --rules, --script)
  bedrock  Amazon Bedrock through the AWS SDK, credentials and region as the
           AWS SDK finds them (--region, --profile, --endpoint-url, --api,
           --api-routes, --no-profile-fallback)
  openai   any OpenAI-compatible chat completions server: Ollama, vLLM,
           llama.cpp, another rockstream serve (--upstream, --upstream-key,
           --model-map)
  replay   streams recorded with --record, with their timing (--replay, --speed)
--routes FILE sends models to several of them, each built from the same flags:
  {"routes":[{"model":"anthropic.*","backend":"bedrock"}],"default":"builtin"}
--record DIR writes every stream, whatever the backend, to DIR for replay,
secrets removed; requests refused before their stream are not recorded, and
the directory holds at most --record-max-files files and --record-max-bytes.

With --auth any (the default) any well-formed SigV4 signature or Bedrock API
key is accepted, so the server listens on loopback only unless --insecure is
given. --auth strict accepts only the keys in --keys-file:
  {"accessKeys":[{"accessKeyId":"…","secretAccessKey":"…"}],"apiKeys":["…"]}
and checks each signature before reading the body when X-Amz-Content-Sha256
carries the body's hash (the JavaScript SDKs); otherwise (the Go SDK, boto3)
it reads at most --auth-unverified-body-max bytes within
--auth-unverified-body-timeout to hash it. UNSIGNED-PAYLOAD is refused.
The gateway endpoints take the keys of --api-key and the file's apiKeys
(Authorization: Bearer or x-api-key), and require one on any address beyond
loopback.

The builtin backend's test headers X-Rockstream-Pace and X-Rockstream-Fault
are honoured from loopback clients, and from beyond loopback only for the keys
of --test-header-keys (a SigV4 request must sign them); anyone else gets 403.
X-Rockstream-Seed is honoured from every client. All three are read after
authentication and a malformed one is a 400 in the endpoint's own dialect.`

const serveExits = `  0    stopped by Ctrl-C (SIGINT) or SIGTERM
  1    could not start: the address, a file or the backend failed
  2    bad flags or arguments
`

// runServe serves until ctx ends.
func runServe(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` host:port (port 0 picks a free one)")
	authMode := fs.String("auth", string(auth.ModeAny), "Bedrock Runtime authentication: any (every well-formed credential) or strict (only --keys-file's keys)")
	keysFile := fs.String("keys-file", "", "JSON `file` of the access keys and API keys the server accepts")
	insecure := fs.Bool("insecure", false, "allow --auth any on an address other than loopback")
	unverifiedMax := fs.Int64("auth-unverified-body-max", auth.DefaultMaxUnverifiedBodyBytes, "with --auth strict, most `bytes` of a body read before its signature is checked (clients that sign without X-Amz-Content-Sha256: the Go SDK, boto3); larger bodies are refused")
	unverifiedTimeout := fs.Duration("auth-unverified-body-timeout", auth.DefaultUnverifiedBodyTimeout, "with --auth strict, longest `time` spent reading such a body")
	var apiKeys stringList
	fs.Var(&apiKeys, "api-key", "`key` the gateway endpoints accept (repeatable)")
	var testKeys stringList
	fs.Var(&testKeys, "test-header-keys", "comma-separated `keys` (access key IDs, API keys) whose X-Rockstream-Pace and X-Rockstream-Fault headers are honoured from beyond loopback (repeatable); loopback clients are always honoured, others are refused with 403. The Bedrock Runtime verifies keys only with --auth strict, and a SigV4 request must sign the headers")
	resume := fs.Duration("resume", 5*time.Minute, "how long a gateway stream stays resumable after its reader leaves; 0 turns resume off")
	metricsModels := fs.Int("metrics-max-models", metrics.DefaultMaxModels, "most distinct model labels on /metrics; models past it, and IDs outside the catalog, count as other")
	var bf backendFlags
	bf.register(fs)
	var sc scaleFlags
	sc.register(fs)
	fs.IntVar(&bf.recordLimits.MaxFiles, "record-max-files", replay.DefaultMaxFiles, "most recordings --record's directory holds (those already there count); later streams are not recorded")
	fs.Int64Var(&bf.recordLimits.MaxBytes, "record-max-bytes", replay.DefaultMaxBytes, "most bytes of recordings --record's directory holds")
	positional, code, done := c.parseFlags(fs, args, func() string { return commandHelp(fs, serveUsage, serveAbout, serveExits) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("serve", usageErrorf("serve takes no arguments, not %q", positional[0]))
	}
	if err := sc.applyConfig(fs, &bf, c.getenv); err != nil {
		return c.fail("serve", err)
	}
	mode, err := auth.ParseMode(*authMode)
	if err != nil {
		return c.usage("serve", usageErrorf("--auth must be any or strict, not %q", *authMode))
	}
	if *unverifiedMax <= 0 || *unverifiedTimeout <= 0 {
		return c.usage("serve", usageErrorf("--auth-unverified-body-max and --auth-unverified-body-timeout must be positive"))
	}
	authCfg := auth.Config{Mode: mode, MaxUnverifiedBodyBytes: *unverifiedMax, UnverifiedBodyTimeout: *unverifiedTimeout}
	if *keysFile != "" {
		if err := authCfg.LoadFile(*keysFile); err != nil {
			return c.fail("serve", err)
		}
	}
	sc.addKeys(&authCfg)
	if err := server.CheckListen(*addr, mode, *insecure); err != nil {
		return c.usage("serve", err)
	}
	gatewayKeys := append(slices.Clone(authCfg.APIKeys), apiKeys...)
	open := !isLoopbackAddr(*addr)
	if open && len(gatewayKeys) == 0 {
		return c.usage("serve", usageErrorf("listening on %s beyond loopback, the gateway endpoints need API keys: --api-key or apiKeys in --keys-file", *addr))
	}
	trusted, err := testHeaderKeys(testKeys, authCfg, gatewayKeys)
	if err != nil {
		return c.usage("serve", err)
	}
	if *resume < 0 {
		return c.usage("serve", usageErrorf("--resume must not be negative, not %v", *resume))
	}
	if sc.maxBody < 0 {
		return c.usage("serve", usageErrorf("--max-body-bytes must not be negative, not %d", sc.maxBody))
	}
	backendSet := false
	fs.Visit(func(f *flag.Flag) { backendSet = backendSet || f.Name == "backend" })
	cfg, used, err := bf.check(backendSet)
	if err != nil {
		return c.fail("serve", err)
	}
	tracer, stopTracing, err := sc.startTracing(ctx, bf, used)
	if err != nil {
		return c.fail("serve", err)
	}
	defer stopTracing()
	log := slog.New(tracer.logHandler(slog.NewTextHandler(c.stderr, nil)))
	backend, err := c.newBackend(ctx, bf, cfg, used, log)
	if err != nil {
		return c.fail("serve", err)
	}
	m := metrics.NewWithOptions(metrics.Options{MaxModels: *metricsModels})
	instrumented, closeQuotas, err := sc.withQuotas(ctx, tracer.wrap(m.Instrument(backend)), m, log)
	if err != nil {
		return c.fail("serve", err)
	}
	defer closeQuotas()
	var gw *gateway.Gateway
	region := resolveRegion(bf.region, c.getenv, inspectAWS(ctx, c.getenv, bf.profile))
	srv, err := server.New(server.Options{
		Backend:        instrumented,
		Auth:           authCfg,
		TestHeaderKeys: trusted,
		Logger:         log,
		Region:         region,
		MaxBodyBytes:   sc.maxBody,
		Trace:          tracer.middleware(),
		Mount: func(mux *http.ServeMux) {
			gw = gateway.Register(mux, gateway.Options{
				Backend:        instrumented,
				APIKeys:        gatewayKeys,
				RequireKeys:    open,
				TestHeaderKeys: trusted,
				Logger:         log,
				MaxBodyBytes:   sc.maxBody,
				Resume:         gateway.ResumeOptions{Retention: *resume},
				// Offer only what the region can call: profiles in place
				// of models that need one, no end-of-life models.
				Models: func() []string { return catalog.Callable(region) },
			})
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
	fmt.Fprintf(c.stderr, "rockstream: serving the Bedrock Runtime at http://%s (backend %s, auth %s%s); Ctrl-C stops.\n",
		ln.Addr(), describeBackends(bf, used), mode, sc.describeQuotas())
	fmt.Fprintf(c.stderr, "rockstream: OpenAI at http://%[1]s/v1/chat/completions, Anthropic at http://%[1]s/v1/messages, the web page at http://%[1]s/.\n",
		ln.Addr())
	if err := srv.Serve(shutdownFirst(ctx, gw), ln); err != nil {
		return c.fail("serve", err)
	}
	// A recorder writes the streams that shutdown ended before the
	// process exits.
	if rec, ok := backend.(interface{ Close(context.Context) error }); ok {
		grace, stop := context.WithTimeout(context.Background(), server.ShutdownGrace)
		_ = rec.Close(grace)
		stop()
	}
	fmt.Fprintln(c.stderr, "rockstream: stopped.")
	return exitOK
}

// shutdownFirst is the context the server serves under: when ctx ends, the
// gateway ends its open streams with a terminal event first, then the
// server shuts down.
func shutdownFirst(ctx context.Context, gw *gateway.Gateway) context.Context {
	serveCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer cancel()
		<-ctx.Done()
		grace, stop := context.WithTimeout(context.Background(), server.ShutdownGrace)
		defer stop()
		_ = gw.Shutdown(grace)
	}()
	return serveCtx
}

// describeBackends names the backends for the startup line.
func describeBackends(f backendFlags, used []string) string {
	s := strings.Join(used, ", ")
	if f.routes != "" {
		s = "routes " + f.routes + ": " + s
	}
	if f.record != "" {
		s += ", recording to " + f.record
	}
	return s
}

// isLoopbackAddr reports whether a listen address is reachable only from
// this machine.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// testHeaderKeys reads --test-header-keys: each key must be one the server
// verifies, else allowing it would let anyone who claims it inject faults.
// API keys (the gateway's, and the keys file's in strict mode) are
// verified; access key IDs only in strict mode.
func testHeaderKeys(values []string, authCfg auth.Config, gatewayKeys []string) ([]string, error) {
	var keys []string
	n := 0
	for _, v := range values {
		for key := range strings.SplitSeq(v, ",") {
			n++
			key = strings.TrimSpace(key)
			if key == "" {
				continue
			}
			strict := authCfg.Mode == auth.ModeStrict
			isAccessKey := slices.ContainsFunc(authCfg.AccessKeys, func(k auth.AccessKey) bool { return k.AccessKeyID == key })
			switch {
			case slices.Contains(gatewayKeys, key):
			case isAccessKey && !strict:
				return nil, usageErrorf("--test-header-keys: access key %s is verified only with --auth strict", key)
			case !isAccessKey:
				// Not echoed: a mistyped API key is still mostly a secret.
				return nil, usageErrorf("--test-header-keys: key %d is neither an access key ID of --keys-file nor an API key of --api-key or --keys-file", n)
			}
			keys = append(keys, key)
		}
	}
	return keys, nil
}
