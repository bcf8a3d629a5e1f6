package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/config"
	"github.com/rockstream/rockstream/metrics"
	"github.com/rockstream/rockstream/quota"
	"github.com/rockstream/rockstream/server/auth"
)

// scaleFlags are serve's settings for running as one of many replicas:
// the configuration file, the Redis they share, and tracing.
type scaleFlags struct {
	config       string
	redis        string
	otlpEndpoint string
	maxBody      int64
	// file is the configuration file read, nil without --config.
	file *config.File
}

func (s *scaleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.config, "config", "", "YAML configuration `file` (see examples/rockstream.yaml); flags and environment variables override it")
	fs.StringVar(&s.redis, "redis", "", "Redis `URL` (redis://[user:password@]host:port/db, rediss:// for TLS) the replicas share quotas and resume journals through, so any replica resumes or stops any stream; without it both stay in this process")
	fs.StringVar(&s.otlpEndpoint, "otlp-endpoint", "", "export a trace span per stream over OTLP/HTTP to `URL`, e.g. http://127.0.0.1:4318; "+envOTLPEndpoint+" also sets it (default: off)")
	fs.Int64Var(&s.maxBody, "max-body-bytes", 0, "largest request body in `bytes` (default: 25,000,000 on the Bedrock runtime, 20 MiB on the gateway)")
}

// applyConfig reads --config and sets every flag neither the command line
// nor the environment set from it; the side files it holds inline go to
// bf. fs has been parsed. OpenTelemetry's own OTEL_EXPORTER_OTLP_ENDPOINT
// counts as the environment.
func (s *scaleFlags) applyConfig(fs *flag.FlagSet, bf *backendFlags, getenv func(string) string) error {
	if v := getenv(envOTLPEndpoint); v != "" && s.otlpEndpoint == "" {
		s.otlpEndpoint = v
	}
	if s.config == "" {
		return nil
	}
	f, err := config.Read(s.config)
	if err != nil {
		return err
	}
	s.file = f
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	given["otlp-endpoint"] = given["otlp-endpoint"] || s.otlpEndpoint != ""
	for name, v := range f.Flags() {
		if given[name] || fs.Lookup(name) == nil {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return usageErrorf("%s: %s: %v", s.config, name, err)
		}
	}
	bf.inline = map[string][]byte{}
	for name, data := range f.Inline() {
		if !given[name] {
			bf.inline[name] = data
		}
	}
	lists := []struct {
		flag   string
		values []string
	}{{"api-key", f.Gateway.APIKeys}, {"test-header-keys", f.Auth.TestHeaderKeys}}
	for _, l := range lists {
		if given[l.flag] {
			continue
		}
		for _, v := range l.values {
			if err := fs.Set(l.flag, v); err != nil {
				return usageErrorf("%s: %s: %v", s.config, l.flag, err)
			}
		}
	}
	return nil
}

// addKeys adds the configuration file's runtime keys to authCfg.
func (s *scaleFlags) addKeys(authCfg *auth.Config) {
	if s.file == nil {
		return
	}
	for _, k := range s.file.Auth.AccessKeys {
		authCfg.AccessKeys = append(authCfg.AccessKeys, auth.AccessKey{AccessKeyID: k.ID, SecretAccessKey: k.Secret})
	}
	authCfg.APIKeys = append(authCfg.APIKeys, s.file.Auth.APIKeys...)
}

// withQuotas puts b under the configuration file's quotas, shared through
// --redis when given; with no quotas it is b itself. Store failures and
// refusals are counted on m's registry.
func (s *scaleFlags) withQuotas(ctx context.Context, b rockstream.Backend, m *metrics.Metrics, log *slog.Logger) (rockstream.Backend, func(), error) {
	var policy quota.Policy
	if s.file != nil {
		policy = s.file.Quotas
	}
	if policy.Zero() {
		return b, func() {}, nil
	}
	refusals := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rockstream_quota_refusals_total",
		Help: "Requests refused by a per-key quota, by the limit that refused them."}, []string{"reason"})
	storeErrors := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rockstream_quota_store_errors_total",
		Help: "Quota store (Redis) failures; each let its request through."}, []string{"op"})
	m.Registry().MustRegister(refusals, storeErrors)
	opts := quota.Options{Policy: policy, Logger: log,
		OnRefuse:     func(r quota.Reason) { refusals.WithLabelValues(string(r)).Inc() },
		OnStoreError: func(op string) { storeErrors.WithLabelValues(op).Inc() },
	}
	closeStore := func() {}
	if s.redis != "" {
		ro, err := redis.ParseURL(s.redis)
		if err != nil {
			return nil, nil, usageErrorf("--redis: %v", err)
		}
		client := redis.NewClient(ro)
		if err := client.Ping(ctx).Err(); err != nil {
			// Quotas fail open: the server starts, and counts once Redis answers.
			log.Warn("redis unavailable at start; quotas let requests through until it answers", slog.String("error", err.Error()))
		}
		opts.Store = quota.NewRedis(client, "")
		closeStore = func() { _ = client.Close() }
	}
	return quota.Wrap(b, quota.New(opts)), closeStore, nil
}

// describeQuotas names where quotas are kept, for the startup line.
func (s *scaleFlags) describeQuotas() string {
	if s.file == nil || s.file.Quotas.Zero() {
		return ""
	}
	if s.redis != "" {
		return fmt.Sprintf("; quotas shared through Redis (%d keys with their own)", len(s.file.Quotas.Keys))
	}
	return fmt.Sprintf("; quotas in memory (%d keys with their own)", len(s.file.Quotas.Keys))
}
