package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/amazonbedrock"
	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/backend/openaicompat"
	"github.com/rockstream/rockstream/backend/replay"
	"github.com/rockstream/rockstream/backend/router"
	"github.com/rockstream/rockstream/bedrock"
)

// backendNames lists the backends by the names --backend and routing
// files use.
var backendNames = []string{"builtin", "bedrock", "openai", "replay"}

// backendFlags configure the backend serve answers from. Each backend has
// its own flags; a routing file may use several backends, each built from
// the same flags.
type backendFlags struct {
	name   string
	routes string
	record string
	// recordLimits bound --record (serve's --record-max-files, --record-max-bytes)
	recordLimits replay.RecordOptions

	// builtin
	pace, rules, script string
	// bedrock (region is serve's --region)
	region, profile, endpointURL, api, apiRoutes string
	noProfileFallback                            bool
	// openai
	upstream, upstreamKey, modelMap string
	// replay
	replayDir string
	speed     float64

	// inline holds side files given inline in the configuration file, by
	// flag name; a file given by flag wins.
	inline map[string][]byte
}

// sideName names a side file in messages: its path, or the configuration
// file's section that holds it inline.
func sideName(path, section string) string {
	if path != "" {
		return path
	}
	return "the configuration file's backends." + section
}

// sideFile is the content of side file flag (routes, rules, script,
// api-routes, model-map): the file path names, else the configuration
// file's inline one; ok is false when neither is given.
func (f *backendFlags) sideFile(flag, path string) (data []byte, ok bool, err error) {
	if path != "" {
		data, err = os.ReadFile(path)
		return data, true, err
	}
	data, ok = f.inline[flag]
	return data, ok, nil
}

func (f *backendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "backend", "builtin", "where answers come from: "+strings.Join(backendNames, ", "))
	fs.StringVar(&f.routes, "routes", "", "routing `file` sending models to named backends (instead of --backend)")
	fs.StringVar(&f.record, "record", "", "record every stream into `dir` (created if missing), for --backend replay")
	fs.StringVar(&f.pace, "pace", "", "builtin: default pace, e.g. ttft=300ms,tps=40,jitter=0.2 (default: a real model's)")
	fs.StringVar(&f.rules, "rules", "", "builtin: fault, pace, quota and guardrail rules `file`")
	fs.StringVar(&f.script, "script", "", "builtin: scripted answers `file`")
	fs.StringVar(&f.region, "region", "", "region the runtime reports in ARNs and bedrock calls (default: AWS_REGION, the profile's, else us-east-1)")
	fs.StringVar(&f.profile, "profile", "", "bedrock: AWS shared-config profile (default: AWS_PROFILE, else default)")
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "bedrock: upstream Bedrock Runtime endpoint `URL` (default: Amazon Bedrock)")
	fs.StringVar(&f.api, "api", "invoke", "bedrock: default operation, invoke (InvokeModelWithResponseStream) or converse (ConverseStream)")
	fs.StringVar(&f.apiRoutes, "api-routes", "", `bedrock: JSON `+"`file`"+` choosing the operation per model, e.g. {"meta.*":"converse"}`)
	fs.BoolVar(&f.noProfileFallback, "no-profile-fallback", false, "bedrock: do not retry models without on-demand throughput through an inference profile")
	fs.StringVar(&f.upstream, "upstream", "", "openai: the OpenAI-compatible server's API root `URL`, e.g. http://127.0.0.1:11434/v1")
	fs.StringVar(&f.upstreamKey, "upstream-key", "", "openai: API `key` sent to --upstream as a bearer token")
	fs.StringVar(&f.modelMap, "model-map", "", `openai: JSON `+"`file`"+` mapping model IDs to upstream names, e.g. {"*":"llama3.2"}`)
	fs.StringVar(&f.replayDir, "replay", "", "replay: `dir` of recordings made with --record")
	fs.Float64Var(&f.speed, "speed", 1, "replay: playback speed; 1 is the recorded timing, 10 ten times faster, negative no delays")
}

// check validates the flags without touching files; it returns the
// routing config, if any, and the backends in use.
func (f *backendFlags) check(backendSet bool) (cfg *router.Config, used []string, err error) {
	if data, ok, rerr := f.sideFile("routes", f.routes); ok {
		if backendSet {
			return nil, nil, usageErrorf("--backend and --routes exclude each other: the routing file names the backends")
		}
		if cfg, err = router.ParseConfig(data); rerr != nil {
			err = rerr
		}
		if err != nil {
			return nil, nil, fmt.Errorf("--routes: %w", err)
		}
		used = cfg.Names()
	} else {
		used = []string{f.name}
	}
	for _, name := range used {
		if !slices.Contains(backendNames, name) {
			return nil, nil, usageErrorf("backend must be one of %s, not %q", strings.Join(backendNames, ", "), name)
		}
	}
	if !slices.Contains(used, "builtin") {
		for _, fl := range []struct{ name, value string }{{"pace", f.pace}, {"rules", f.rules}, {"script", f.script}} {
			if _, inline := f.inline[fl.name]; fl.value != "" || inline {
				return nil, nil, usageErrorf("--%s (or $%s) applies to the builtin backend only, and %s does not use it",
					fl.name, envFor(fl.name), strings.Join(used, ", "))
			}
		}
	}
	if f.pace != "" {
		if _, err := builtin.ParsePace(f.pace, builtin.DefaultPace); err != nil {
			return nil, nil, usageErrorf("--pace: %v", err)
		}
	}
	if slices.Contains(used, "bedrock") {
		if f.api != "invoke" && f.api != "converse" {
			return nil, nil, usageErrorf("--api must be invoke or converse, not %q", f.api)
		}
		if f.endpointURL != "" && !isHTTPURL(f.endpointURL) {
			return nil, nil, usageErrorf("--endpoint-url must start with http:// or https://, not %q", f.endpointURL)
		}
	}
	if slices.Contains(used, "openai") {
		if f.upstream == "" {
			return nil, nil, usageErrorf("the openai backend needs --upstream, the server's API root, e.g. http://127.0.0.1:11434/v1")
		}
		if !isHTTPURL(f.upstream) {
			return nil, nil, usageErrorf("--upstream must start with http:// or https://, not %q", f.upstream)
		}
	}
	if slices.Contains(used, "replay") {
		if f.replayDir == "" {
			return nil, nil, usageErrorf("the replay backend needs --replay, a directory of recordings made with --record")
		}
		if f.speed == 0 {
			return nil, nil, usageErrorf("--speed must be positive (1 is the recorded timing) or negative (no delays), not 0")
		}
	}
	return cfg, used, nil
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// newBackend builds the backend the checked flags describe: one backend,
// or a router over the routing file's, wrapped in a recorder with
// --record.
func (c *cli) newBackend(ctx context.Context, f backendFlags, cfg *router.Config, used []string, log *slog.Logger) (rockstream.Backend, error) {
	named := map[string]rockstream.Backend{}
	for _, name := range used {
		b, err := c.buildBackend(ctx, name, f, log)
		if err != nil {
			return nil, fmt.Errorf("%s backend: %w", name, err)
		}
		named[name] = b
	}
	var b rockstream.Backend
	if cfg != nil {
		r, err := router.New(cfg, named)
		if err != nil {
			return nil, err
		}
		b = r
	} else {
		b = named[used[0]]
	}
	if f.record != "" {
		if err := os.MkdirAll(f.record, 0o755); err != nil {
			return nil, err
		}
		b = replay.NewRecorderWithOptions(b, f.record, log, f.recordLimits)
	}
	return b, nil
}

func (c *cli) buildBackend(ctx context.Context, name string, f backendFlags, log *slog.Logger) (rockstream.Backend, error) {
	switch name {
	case "builtin":
		return newBuiltin(f)
	case "bedrock":
		return c.newBedrock(ctx, f, log)
	case "openai":
		opts := openaicompat.Options{BaseURL: f.upstream, APIKey: f.upstreamKey}
		if data, ok, err := f.sideFile("model-map", f.modelMap); ok {
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(data, &opts.Models); err != nil {
				return nil, fmt.Errorf("openai backend: model map %s: %w", sideName(f.modelMap, "model_map"), err)
			}
		}
		return openaicompat.New(opts)
	case "replay":
		r, err := replay.Open(f.replayDir, replay.Options{Speed: f.speed})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(c.stderr, "rockstream: replaying %d recordings from %s.\n", r.Len(), f.replayDir)
		return r, nil
	}
	return nil, usageErrorf("unknown backend %q", name)
}

// newBedrock calls Amazon Bedrock, or the --endpoint-url upstream, with
// credentials and region resolved as the CLI resolves them. An upstream
// endpoint without configured credentials (another rockstream serve) gets
// placeholder credentials.
func (c *cli) newBedrock(ctx context.Context, f backendFlags, log *slog.Logger) (rockstream.Backend, error) {
	setup := inspectAWS(ctx, c.getenv, f.profile)
	opts := amazonbedrock.Options{
		Client: bedrock.Options{
			Region:      resolveRegion(f.region, c.getenv, setup),
			Profile:     f.profile,
			EndpointURL: f.endpointURL,
			API:         bedrock.Invoke,
			Logger:      log,
		},
		NoProfileFallback: f.noProfileFallback,
	}
	if f.api == "converse" {
		opts.Client.API = bedrock.Converse
	}
	if data, ok, err := f.sideFile("api-routes", f.apiRoutes); ok {
		if err != nil {
			return nil, err
		}
		if opts.APIs, err = amazonbedrock.ParseAPIRoutes(data); err != nil {
			return nil, err
		}
	}
	if setup.Credentials == "" {
		if f.endpointURL != "" {
			opts.Client.AWSConfig = dummyConfig(opts.Client.Region)
		} else {
			fmt.Fprintln(c.stderr, "rockstream: no AWS credentials in the environment or shared files; "+
				"the AWS SDK will look further (container or instance credentials).")
		}
	}
	return amazonbedrock.New(ctx, opts)
}

// newBuiltin is the deterministic local model, with its default pace,
// rules and script.
func newBuiltin(f backendFlags) (rockstream.Backend, error) {
	var opts builtin.Options
	if f.pace != "" {
		p, err := builtin.ParsePace(f.pace, builtin.DefaultPace)
		if err != nil {
			return nil, usageErrorf("--pace: %v", err)
		}
		opts.Pace = &p
	}
	if data, ok, err := f.sideFile("rules", f.rules); ok {
		if err != nil {
			return nil, err
		}
		if opts.Rules, err = builtin.ParseRules(data); err != nil {
			return nil, fmt.Errorf("%s: %w", sideName(f.rules, "rules"), err)
		}
	}
	if data, ok, err := f.sideFile("script", f.script); ok {
		if err != nil {
			return nil, err
		}
		if opts.Script, err = builtin.ParseScript(data); err != nil {
			return nil, fmt.Errorf("%s: %w", sideName(f.script, "script"), err)
		}
	}
	return builtin.New(opts), nil
}
