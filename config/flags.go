package config

import (
	"strconv"
	"time"
)

// Flags are the file's settings as serve's flag values, by flag name; a
// flag given on the command line or through the environment wins over its
// value here. Side files given by path are named by their path; inline
// ones are in Sections.
func (f *File) Flags() map[string]string {
	m := map[string]string{}
	set := func(name, v string) {
		if v != "" {
			m[name] = v
		}
	}
	setInt := func(name string, v int64) {
		if v != 0 {
			m[name] = strconv.FormatInt(v, 10)
		}
	}
	setDur := func(name string, v time.Duration) {
		if v != 0 {
			m[name] = v.String()
		}
	}
	setBool := func(name string, v *bool) {
		if v != nil {
			m[name] = strconv.FormatBool(*v)
		}
	}
	set("addr", f.Server.Addr)
	set("backend", f.Server.Backend)
	set("region", f.Server.Region)
	setBool("insecure", f.Server.Insecure)
	set("auth", f.Auth.Mode)
	if f.Gateway.Resume != nil {
		m["resume"] = f.Gateway.Resume.String()
	}
	b := f.Backends
	set("pace", b.Pace)
	set("api", b.API)
	set("profile", b.Profile)
	set("endpoint-url", b.EndpointURL)
	setBool("no-profile-fallback", b.NoProfileFallback)
	set("upstream", b.Upstream)
	set("upstream-key", b.UpstreamKey)
	set("replay", b.Replay)
	if b.Speed != nil {
		m["speed"] = strconv.FormatFloat(*b.Speed, 'g', -1, 64)
	}
	set("record", b.Record)
	for name, s := range f.sections {
		if s.Path != "" {
			m[name] = s.Path
		}
	}
	setInt("max-body-bytes", f.Limits.MaxBodyBytes)
	setInt("auth-unverified-body-max", f.Limits.AuthUnverifiedBodyMax)
	setDur("auth-unverified-body-timeout", f.Limits.AuthUnverifiedBodyTimeout)
	setInt("record-max-files", f.Limits.RecordMaxFiles)
	setInt("record-max-bytes", f.Limits.RecordMaxBytes)
	setInt("metrics-max-models", f.Limits.MetricsMaxModels)
	set("redis", f.Redis.URL)
	set("otlp-endpoint", f.Tracing.OTLPEndpoint)
	return m
}

// Inline is the content of the side files given inline, by the flag that
// would name their file: routes, rules, script, api-routes, model-map.
func (f *File) Inline() map[string][]byte {
	m := map[string][]byte{}
	for name, s := range f.sections {
		if s.Path == "" {
			m[name] = s.JSON
		}
	}
	return m
}
