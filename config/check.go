package config

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/router"
	"github.com/rockstream/rockstream/quota"
)

// Backend names, as --backend takes them.
var backendNames = []string{"builtin", "bedrock", "openai", "replay"}

// sideFiles are the settings that hold a side file, by the flag that names
// such a file, with the parser that checks its content.
var sideFiles = []struct {
	flag, path string
	get        func(*Backends) any
	parse      func([]byte) error
}{
	{"routes", "backends.routes", func(b *Backends) any { return b.Routes }, func(d []byte) error { _, err := router.ParseConfig(d); return err }},
	{"rules", "backends.rules", func(b *Backends) any { return b.Rules }, func(d []byte) error { _, err := builtin.ParseRules(d); return err }},
	{"script", "backends.script", func(b *Backends) any { return b.Script }, func(d []byte) error { _, err := builtin.ParseScript(d); return err }},
	{"api-routes", "backends.api_routes", func(b *Backends) any { return b.APIRoutes }, func(d []byte) error { _, err := amazonbedrock.ParseAPIRoutes(d); return err }},
	{"model-map", "backends.model_map", func(b *Backends) any { return b.ModelMap }, func(d []byte) error {
		var m map[string]string
		return json.Unmarshal(d, &m)
	}},
}

func (f *File) check(c *checker) {
	if b := f.Server.Backend; b != "" && !slices.Contains(backendNames, b) {
		c.fail("server.backend", "must be one of %s, not %q", strings.Join(backendNames, ", "), b)
	}
	if m := f.Auth.Mode; m != "" && m != "any" && m != "strict" {
		c.fail("auth.mode", "must be any or strict, not %q", m)
	}
	for i, k := range f.Auth.AccessKeys {
		if k.ID == "" || k.Secret == "" {
			c.fail("auth.access_keys["+itoa(i)+"]", "an access key needs both id and secret")
		}
	}
	if r := f.Gateway.Resume; r != nil && *r < 0 {
		c.fail("gateway.resume", "must not be negative, not %v", *r)
	}
	if a := f.Backends.API; a != "" && a != "invoke" && a != "converse" {
		c.fail("backends.api", "must be invoke or converse, not %q", a)
	}
	if p := f.Backends.Pace; p != "" {
		if _, err := builtin.ParsePace(p, builtin.DefaultPace); err != nil {
			c.fail("backends.pace", "%v", err)
		}
	}
	for _, u := range []struct{ path, v string }{{"backends.upstream", f.Backends.Upstream}, {"backends.endpoint_url", f.Backends.EndpointURL}, {"tracing.otlp_endpoint", f.Tracing.OTLPEndpoint}} {
		if u.v != "" && !strings.HasPrefix(u.v, "http://") && !strings.HasPrefix(u.v, "https://") {
			c.fail(u.path, "must start with http:// or https://, not %q", u.v)
		}
	}
	if s := f.Backends.Speed; s != nil && *s == 0 {
		c.fail("backends.speed", "must be positive (1 is the recorded timing) or negative (no delays), not 0")
	}
	f.sections = map[string]*Section{}
	for _, sf := range sideFiles {
		v := sf.get(&f.Backends)
		s, err := f.section(v)
		if err != nil {
			c.fail(sf.path, "%v", err)
			continue
		}
		if s == nil {
			continue
		}
		if err := sf.parse(s.JSON); err != nil {
			c.fail(sf.path, "%v", err)
			continue
		}
		f.sections[sf.flag] = s
	}
	for _, l := range []struct {
		path string
		v    int64
	}{{"limits.max_body_bytes", f.Limits.MaxBodyBytes}, {"limits.auth_unverified_body_max", f.Limits.AuthUnverifiedBodyMax},
		{"limits.auth_unverified_body_timeout", int64(f.Limits.AuthUnverifiedBodyTimeout)}, {"limits.record_max_files", f.Limits.RecordMaxFiles},
		{"limits.record_max_bytes", f.Limits.RecordMaxBytes}, {"limits.metrics_max_models", f.Limits.MetricsMaxModels}} {
		if l.v < 0 {
			c.fail(l.path, "must not be negative, not %d", l.v)
		}
	}
	if u := f.Redis.URL; u != "" {
		if _, err := redis.ParseURL(u); err != nil {
			c.fail("redis.url", "%v", err)
		}
	}
	var le *quota.LimitError
	if err := f.Quotas.Default.Check(); errors.As(err, &le) {
		c.fail("quotas.default."+le.Field, "%v", err)
	}
	for k, l := range f.Quotas.Keys {
		if err := l.Check(); errors.As(err, &le) {
			// The key is a secret: the error names its line, not the key.
			c.failAs("quotas.keys."+k+"."+le.Field, "quotas.keys[…]."+le.Field, "%v", err)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
