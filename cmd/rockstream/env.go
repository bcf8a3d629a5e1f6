package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
)

// setting ties a command-line flag to the environment variable that sets it
// when the flag is not given. This table is the one place rockstream's
// environment variables are named; -h output is generated from it.
type setting struct {
	flag string
	env  string
}

var settings = []setting{
	{"model", "ROCKSTREAM_MODEL"},
	{"max-tokens", "ROCKSTREAM_MAX_TOKENS"},
	{"temperature", "ROCKSTREAM_TEMPERATURE"},
	{"top-p", "ROCKSTREAM_TOP_P"},
	{"system", "ROCKSTREAM_SYSTEM"},
	{"stop", "ROCKSTREAM_STOP"},
	{"api", "ROCKSTREAM_API"},
	{"region", "ROCKSTREAM_REGION"},
	{"profile", "ROCKSTREAM_PROFILE"},
	{"endpoint-url", "ROCKSTREAM_ENDPOINT_URL"},
	{"local", "ROCKSTREAM_LOCAL"},
	{"continue", "ROCKSTREAM_CONTINUE"},
	{"timeout", "ROCKSTREAM_TIMEOUT"},
	{"connect-timeout", "ROCKSTREAM_CONNECT_TIMEOUT"},
	{"json", "ROCKSTREAM_JSON"},
	{"raw", "ROCKSTREAM_RAW"},
	{"stats", "ROCKSTREAM_STATS"},
	{"pace", "ROCKSTREAM_PACE"},
	{"addr", "ROCKSTREAM_ADDR"},
	{"backend", "ROCKSTREAM_BACKEND"},
	{"auth", "ROCKSTREAM_AUTH"},
	{"keys-file", "ROCKSTREAM_KEYS_FILE"},
	{"insecure", "ROCKSTREAM_INSECURE"},
	{"auth-unverified-body-max", "ROCKSTREAM_AUTH_UNVERIFIED_BODY_MAX"},
	{"auth-unverified-body-timeout", "ROCKSTREAM_AUTH_UNVERIFIED_BODY_TIMEOUT"},
	{"rules", "ROCKSTREAM_RULES"},
	{"script", "ROCKSTREAM_SCRIPT"},
	{"routes", "ROCKSTREAM_ROUTES"},
	{"record", "ROCKSTREAM_RECORD"},
	{"record-max-files", "ROCKSTREAM_RECORD_MAX_FILES"},
	{"record-max-bytes", "ROCKSTREAM_RECORD_MAX_BYTES"},
	{"metrics-max-models", "ROCKSTREAM_METRICS_MAX_MODELS"},
	{"async-dir", "ROCKSTREAM_ASYNC_DIR"},
	{"api-routes", "ROCKSTREAM_API_ROUTES"},
	{"no-profile-fallback", "ROCKSTREAM_NO_PROFILE_FALLBACK"},
	{"upstream", "ROCKSTREAM_UPSTREAM"},
	{"upstream-key", "ROCKSTREAM_UPSTREAM_KEY"},
	{"model-map", "ROCKSTREAM_MODEL_MAP"},
	{"replay", "ROCKSTREAM_REPLAY"},
	{"speed", "ROCKSTREAM_SPEED"},
	{"api-key", "ROCKSTREAM_API_KEY"},
	{"test-header-keys", "ROCKSTREAM_TEST_HEADER_KEYS"},
	{"allow-host", "ROCKSTREAM_ALLOW_HOST"},
	{"resume", "ROCKSTREAM_RESUME"},
	{"resume-grace", "ROCKSTREAM_RESUME_GRACE"},
	{"on-disconnect", "ROCKSTREAM_ON_DISCONNECT"},
	{"redis", "ROCKSTREAM_REDIS"},
	{"max-streams", "ROCKSTREAM_MAX_STREAMS"},
	{"max-streams-per-key", "ROCKSTREAM_MAX_STREAMS_PER_KEY"},
	{"resume-max-bytes", "ROCKSTREAM_RESUME_MAX_BYTES"},
	{"resume-max-bytes-per-key", "ROCKSTREAM_RESUME_MAX_BYTES_PER_KEY"},
	{"resume-max-streams", "ROCKSTREAM_RESUME_MAX_STREAMS"},
	{"resume-max-streams-per-key", "ROCKSTREAM_RESUME_MAX_STREAMS_PER_KEY"},
	{"resume-max-stream-bytes", "ROCKSTREAM_RESUME_MAX_STREAM_BYTES"},
	{"body-timeout", "ROCKSTREAM_BODY_TIMEOUT"},
	{"config", "ROCKSTREAM_CONFIG"},
	{"otlp-endpoint", "ROCKSTREAM_OTLP_ENDPOINT"},
	{"max-body-bytes", "ROCKSTREAM_MAX_BODY_BYTES"},
	{"target", "ROCKSTREAM_TARGET"},
	{"expect", "ROCKSTREAM_EXPECT"},
	{"concurrency", "ROCKSTREAM_CONCURRENCY"},
	{"requests", "ROCKSTREAM_REQUESTS"},
	{"duration", "ROCKSTREAM_DURATION"},
	{"prompt", "ROCKSTREAM_PROMPT"},
	{"stall", "ROCKSTREAM_STALL"},
	{"overhead", "ROCKSTREAM_OVERHEAD"},
	{"rounds", "ROCKSTREAM_ROUNDS"},
	{"models", "ROCKSTREAM_MODELS"},
	{"strict-models", "ROCKSTREAM_STRICT_MODELS"},
	{"sync", "ROCKSTREAM_SYNC"},
}

// credentialEnv are the AWS environment variables whose presence means
// credentials are configured. Together with the shared config and
// credentials files they decide whether rockstream calls Amazon Bedrock or
// answers from the local runtime. The EC2 instance metadata service is never
// asked.
var credentialEnv = []string{
	"AWS_ACCESS_KEY_ID",
	"AWS_BEARER_TOKEN_BEDROCK",
	"AWS_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
}

// envOTLPEndpoint is OpenTelemetry's standard variable for the collector;
// serve reads it when neither --otlp-endpoint nor its variable is set.
const envOTLPEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT"

// Shared-file and region variables, read as the AWS SDK reads them.
const (
	envConfigFile      = "AWS_CONFIG_FILE"
	envCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE"
	envRegion          = "AWS_REGION"
	envDefaultRegion   = "AWS_DEFAULT_REGION"
)

// envFor returns the environment variable of flag name, or "".
func envFor(name string) string {
	for _, s := range settings {
		if s.flag == name {
			return s.env
		}
	}
	return ""
}

// applyEnv sets every flag of fs that the command line left unset from its
// environment variable, when that is non-empty. A bad value is a usage
// error naming the variable. ROCKSTREAM_STOP holds one stop sequence, or a
// JSON array of them.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := envFor(f.Name)
		if err != nil || given[f.Name] || env == "" {
			return
		}
		v := getenv(env)
		if v == "" {
			return
		}
		values := []string{v}
		if f.Name == "stop" && strings.HasPrefix(strings.TrimSpace(v), "[") {
			values = nil
			if jerr := json.Unmarshal([]byte(v), &values); jerr != nil {
				err = usageErrorf("%s: not a JSON array of strings: %v", env, jerr)
				return
			}
		}
		for _, x := range values {
			if serr := fs.Set(f.Name, x); serr != nil {
				err = usageErrorf("%s=%q: %v", env, v, serr)
				return
			}
		}
	})
	return err
}

// printFlags writes fs's flags with their defaults and environment
// variables, for -h.
func printFlags(w *strings.Builder, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if name != "" {
			head += " " + name
		}
		fmt.Fprintf(w, "%s\n        %s", head, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		if env := envFor(f.Name); env != "" {
			fmt.Fprintf(w, " [$%s]", env)
		}
		w.WriteString("\n")
	})
}
