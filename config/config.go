// Package config reads rockstream serve's one configuration file (YAML):
// everything the side files (--keys-file, --routes, --model-map,
// --api-routes, --rules, --script) and serve's flags set, plus Redis,
// quotas and tracing. Every mistake it finds names the line and column.
// A side-file section may hold the file's content inline, or a string: the
// path of the side file, relative to the configuration file.
package config

import (
	"time"

	"github.com/rockstream/rockstream/quota"
)

// File is a configuration file. A field left out keeps serve's default.
type File struct {
	Server   Server       `yaml:"server"`
	Auth     Auth         `yaml:"auth"`
	Gateway  Gateway      `yaml:"gateway"`
	Backends Backends     `yaml:"backends"`
	Limits   Limits       `yaml:"limits"`
	Redis    Redis        `yaml:"redis"`
	Quotas   quota.Policy `yaml:"quotas"`
	Tracing  Tracing      `yaml:"tracing"`

	sections map[string]*Section
	// dir is the file's directory, which side-file paths are relative to.
	dir string
}

// Server is where and what serve serves.
type Server struct {
	Addr     string `yaml:"addr"`
	Backend  string `yaml:"backend"`
	Region   string `yaml:"region"`
	Insecure *bool  `yaml:"insecure"`
}

// Auth is the Bedrock runtime's authentication; its keys are those of
// --keys-file.
type Auth struct {
	Mode           string      `yaml:"mode"`
	AccessKeys     []AccessKey `yaml:"access_keys"`
	APIKeys        []string    `yaml:"api_keys"`
	TestHeaderKeys []string    `yaml:"test_header_keys"`
}

// AccessKey is a SigV4 key pair strict mode accepts.
type AccessKey struct {
	ID     string `yaml:"id"`
	Secret string `yaml:"secret"`
}

// Gateway is the OpenAI and Anthropic endpoints' settings.
type Gateway struct {
	APIKeys []string       `yaml:"api_keys"`
	Resume  *time.Duration `yaml:"resume"`
}

// Backends configure where answers come from (serve's backend flags).
type Backends struct {
	Pace              string   `yaml:"pace"`
	Rules             any      `yaml:"rules"`
	Script            any      `yaml:"script"`
	Routes            any      `yaml:"routes"`
	API               string   `yaml:"api"`
	APIRoutes         any      `yaml:"api_routes"`
	Profile           string   `yaml:"profile"`
	EndpointURL       string   `yaml:"endpoint_url"`
	NoProfileFallback *bool    `yaml:"no_profile_fallback"`
	Upstream          string   `yaml:"upstream"`
	UpstreamKey       string   `yaml:"upstream_key"`
	ModelMap          any      `yaml:"model_map"`
	Replay            string   `yaml:"replay"`
	Speed             *float64 `yaml:"speed"`
	Record            string   `yaml:"record"`
}

// Limits bound what callers can make the server hold.
type Limits struct {
	MaxBodyBytes              int64         `yaml:"max_body_bytes"`
	AuthUnverifiedBodyMax     int64         `yaml:"auth_unverified_body_max"`
	AuthUnverifiedBodyTimeout time.Duration `yaml:"auth_unverified_body_timeout"`
	RecordMaxFiles            int64         `yaml:"record_max_files"`
	RecordMaxBytes            int64         `yaml:"record_max_bytes"`
	MetricsMaxModels          int64         `yaml:"metrics_max_models"`
}

// Redis is the store replicas share (quotas; the resume journal).
type Redis struct {
	URL string `yaml:"url"`
}

// Tracing exports OpenTelemetry traces over OTLP/HTTP.
type Tracing struct {
	OTLPEndpoint string `yaml:"otlp_endpoint"`
}
