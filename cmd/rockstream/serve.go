package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rockstream/rockstream"

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
Converse[Stream], ApplyGuardrail, Start/Get/ListAsyncInvoke(s) with
--async-dir, ListFoundationModels), OpenAI- and Anthropic-compatible
streaming endpoints (POST /v1/chat/completions, GET /v1/models, POST
/v1/messages, GET /v1/streams/{id} to resume), the web page at GET /,
Prometheus metrics at GET /metrics and GET /healthz. Requests are logged on
stderr. Ctrl-C or SIGTERM stops it gracefully: gateway streams end with an
error event and Bedrock streams an exception frame saying the server is
shutting down, recordings in flight are written, and the exit code is 0.

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
With --backend bedrock, ApplyGuardrail goes on to Bedrock unchanged. The
builtin model's --rules file may define guardrails, which it applies to
model calls (guardrailConfig, the X-Amzn-Bedrock-Guardrail* headers) and to
ApplyGuardrail:
  {"guardrails":[{"id":"gr-1","versions":["DRAFT","1"],"words":["frobnicate"],
    "topics":[{"name":"Investing","examples":["which stocks should I buy"]}],
    "pii":[{"type":"EMAIL","action":"ANONYMIZE"}],
    "blockedInputMessaging":"…","blockedOutputsMessaging":"…"}]}
GET /_rockstream/requests lists the Bedrock requests received (operation,
model, meaningful headers, body), newest last; DELETE clears it. It answers
loopback clients and the keys of --test-header-keys.

Open streams are bounded, Bedrock Runtime and gateway together: --max-streams
overall and --max-streams-per-key per verified key; past a bound a request is
refused before it starts with 429 and Retry-After (ThrottlingException on the
Bedrock wire, rate_limit_error on the gateway). A gateway stream belongs to
the API key that started it: only that key can resume or stop it. Resume
journals are bounded in bytes and count (--resume-max-*); the oldest finished
are forgotten first, and when live streams fill a bound a new stream is served
without a journal, with X-Rockstream-Resume: unavailable. When a reader drops,
its stream's upstream goes on for --resume-grace (30s) so a reader who comes
back gets the whole answer, then stops if nobody did (--on-disconnect grace;
finish runs it to the end, cancel stops it at once).

Replicas behind a load balancer share resume journals through --redis: any
replica resumes (GET /v1/streams/{id}, live while another replica still
generates) or stops (DELETE) any stream. Redis trouble never ends a live
stream: it goes on, resumable only on its own replica, and the replica shares
again once Redis answers. GET /readyz is 200 when Redis answers, 503 when not.

With --auth any (the default) any well-formed SigV4 signature or Bedrock API
key is accepted, so the server listens on loopback only unless --insecure is
given. --auth strict accepts only the keys in --keys-file:
  {"accessKeys":[{"accessKeyId":"…","secretAccessKey":"…"}],"apiKeys":["…"]}
and checks each signature before reading the body when X-Amz-Content-Sha256
carries the body's hash (the JavaScript SDKs); otherwise (the Go SDK, boto3)
it reads at most --auth-unverified-body-max bytes within
--auth-unverified-body-timeout to hash it. UNSIGNED-PAYLOAD is refused.
The gateway endpoints and /metrics take the keys of --api-key and the file's
apiKeys (Authorization: Bearer or x-api-key), and require one on any address
beyond loopback; the page at / is static and stays public.

On a loopback address the server answers only to loopback Host names
(localhost, *.localhost, 127.0.0.1, [::1], any port) and those of
--allow-host, so a web page on a DNS-rebound name cannot reach it; beyond
loopback the keys guard it and every Host is answered unless --allow-host is
given. Browser requests from another Origin, and JSON endpoints called with a
text/plain or form body, are refused. See docs/security.md.

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
	var allowHosts stringList
	fs.Var(&allowHosts, "allow-host", "Host `name` the server answers besides loopback names: a name, an address or *.domain; comma-separated or repeatable. On loopback every other Host is refused; beyond loopback, giving it turns the Host check on")
	resume := fs.Duration("resume", 5*time.Minute, "how long a gateway stream stays resumable after its reader leaves; 0 turns resume off")
	bodyTimeout := fs.Duration("body-timeout", server.DefaultBodyTimeout, "how long a request body may take to arrive after its headers; a later one is refused with 408. 0 turns the bound off")
	asyncDir := fs.String("async-dir", "", "`directory` standing in for S3 where StartAsyncInvoke jobs write their output (s3://bucket/prefix is bucket/prefix under it); empty turns async invoke off")
	modelsFile := fs.String("models", "", "JSON `file` of models that overrides and extends the built-in model list (the format of models.json; rockstream models --sync writes one)")
	strictModels := fs.Bool("strict-models", false, "refuse, as Bedrock does, model IDs the model list has never seen; without it they are served as their provider's family, with an X-Rockstream-Model-Fallback header")
	onDisconnect := fs.String("on-disconnect", "grace", "what a resumable stream's upstream does when its reader leaves: grace (goes on for --resume-grace, then stops unless a reader came back), finish (goes on to the end) or cancel (stops at once)")
	grace := fs.Duration("resume-grace", gateway.DefaultGrace, "how long --on-disconnect grace keeps generating after the last reader left")
	metricsModels := fs.Int("metrics-max-models", metrics.DefaultMaxModels, "most distinct model labels on /metrics; models past it, and IDs outside the catalog, count as other")
	var limits serveLimits
	limits.register(fs)
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
	conn, err := connLimits(*bodyTimeout)
	if err != nil {
		return c.usage("serve", err)
	}
	if *resume < 0 {
		return c.usage("serve", usageErrorf("--resume must not be negative, not %v", *resume))
	}
	if err := limits.check(); err != nil {
		return c.usage("serve", err)
	}
	policy, err := parseDisconnectPolicy(*onDisconnect)
	if err != nil {
		return c.usage("serve", err)
	}
	if *grace <= 0 {
		return c.usage("serve", usageErrorf("--resume-grace must be positive, not %v", *grace))
	}
	var rdb *redis.Client
	if sc.redis != "" {
		ropts, err := redis.ParseURL(sc.redis)
		if err != nil {
			return c.usage("serve", usageErrorf("--redis: %v", err))
		}
		rdb = redis.NewClient(ropts)
		defer rdb.Close()
	}
	streams := limits.tracker()
	resumeOpts := limits.resume
	resumeOpts.Retention, resumeOpts.OnDisconnect, resumeOpts.Grace = *resume, policy, *grace
	restoreCatalog, err := installCatalog(*modelsFile, *strictModels)
	if err != nil {
		return c.fail("serve", err)
	}
	defer restoreCatalog()
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
	if rdb != nil {
		// A Redis that is down is no reason not to serve: streams go on
		// without it, and it is used again once it answers.
		pctx, stop := context.WithTimeout(ctx, 2*time.Second)
		if err := rdb.Ping(pctx).Err(); err != nil {
			log.Warn("Redis does not answer; resume journals stay on this replica until it does", slog.String("error", err.Error()))
		}
		stop()
	}
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
	hosts := splitList(allowHosts)
	guardrails, _ := backend.(rockstream.GuardrailApplier)
	guardRelay, _ := backend.(rockstream.GuardrailRelayer)
	if *asyncDir != "" {
		if err := os.MkdirAll(*asyncDir, 0o755); err != nil {
			return c.fail("serve", err)
		}
	}
	srv, err := server.New(server.Options{
		Backend:        instrumented,
		Guardrails:     guardrails,
		GuardrailRelay: guardRelay,
		AsyncDir:       *asyncDir,
		Auth:           authCfg,
		TestHeaderKeys: trusted,
		Logger:         log,
		Region:         region,
		AllowHosts:     hosts,
		AnyHost:        open && len(hosts) == 0,
		Streams:        streams,
		MaxBodyBytes:   sc.maxBody,
		Trace:          tracer.middleware(),
		Mount: func(mux *http.ServeMux) {
			var shared redis.UniversalClient
			if rdb != nil {
				shared = rdb
			}
			gw = gateway.Register(mux, gateway.Options{
				Redis:          shared,
				Backend:        instrumented,
				APIKeys:        gatewayKeys,
				RequireKeys:    open,
				TestHeaderKeys: trusted,
				Logger:         log,
				Resume:         resumeOpts,
				Streams:        streams,
				MaxBodyBytes:   sc.maxBody,
				Metrics:        m.Registry(),
				// Offer only what the region can call: profiles in place
				// of models that need one, no end-of-life models.
				Models: func() []string { return catalog.Callable(region) },
			})
			// /metrics names models and traffic: guarded like the API.
			// The page holds no data, so it stays public.
			mux.Handle("GET /metrics", gw.RequireKey(m.Handler()))
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
	if err := srv.ServeWith(shutdownFirst(ctx, gw), ln, conn); err != nil {
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

// connLimits are the connection bounds the serve flags ask for.
func connLimits(bodyTimeout time.Duration) (server.ConnLimits, error) {
	switch {
	case bodyTimeout < 0:
		return server.ConnLimits{}, usageErrorf("--body-timeout must not be negative, not %v", bodyTimeout)
	case bodyTimeout == 0:
		return server.ConnLimits{BodyTimeout: -1}, nil // off
	}
	return server.ConnLimits{BodyTimeout: bodyTimeout}, nil
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

// parseDisconnectPolicy reads --on-disconnect.
func parseDisconnectPolicy(s string) (gateway.DisconnectPolicy, error) {
	switch s {
	case "grace":
		return gateway.Grace, nil
	case "finish":
		return gateway.Finish, nil
	case "cancel":
		return gateway.Cancel, nil
	}
	return 0, usageErrorf("--on-disconnect must be grace, finish or cancel, not %q", s)
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

// splitList flattens repeated, comma-separated flag values, dropping
// empty items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
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
