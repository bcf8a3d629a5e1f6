package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// The lab's defaults: Claude 3 Sonnet through InvokeModelWithResponseStream
// with an Anthropic Messages body, max_tokens 8000, temperature 0.
const (
	defaultModel     = "anthropic.claude-3-sonnet-20240229-v1:0"
	defaultMaxTokens = 8000
)

// requestFlags are what the model is asked: stream and chat share them.
type requestFlags struct {
	model       string
	maxTokens   int
	temperature float64
	topP        optionalFloat
	system      string
	stop        stringList
	api         string
}

func (f *requestFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", defaultModel, "model ID, inference-profile ID or ARN")
	fs.IntVar(&f.maxTokens, "max-tokens", defaultMaxTokens, "most tokens to generate; unset, lowered to what the model takes")
	fs.Float64Var(&f.temperature, "temperature", 0, "sampling temperature")
	fs.Var(&f.topP, "top-p", "nucleus sampling `probability` (default: the model's)")
	fs.StringVar(&f.system, "system", "", "system prompt")
	fs.Var(&f.stop, "stop", "stop `sequence` (repeatable)")
	fs.StringVar(&f.api, "api", "invoke", "Bedrock API: invoke (InvokeModelWithResponseStream) or converse (ConverseStream)")
}

// check validates the values flags cannot.
func (f *requestFlags) check() error {
	if f.model == "" {
		return usageErrorf("--model must not be empty")
	}
	if f.maxTokens <= 0 {
		return usageErrorf("--max-tokens must be positive, not %d", f.maxTokens)
	}
	if f.temperature < 0 {
		return usageErrorf("--temperature must not be negative, not %g", f.temperature)
	}
	if f.topP.set && (f.topP.v < 0 || f.topP.v > 1) {
		return usageErrorf("--top-p must be between 0 and 1, not %g", f.topP.v)
	}
	if f.api != "invoke" && f.api != "converse" {
		return usageErrorf("--api must be invoke or converse, not %q", f.api)
	}
	return nil
}

// request builds the model request for a conversation so far.
func (f *requestFlags) request(messages []rockstream.Message) *rockstream.Request {
	req := &rockstream.Request{
		Model:         f.model,
		Messages:      messages,
		MaxTokens:     f.maxTokens,
		Temperature:   &f.temperature,
		StopSequences: f.stop,
	}
	if f.system != "" {
		req.System = []string{f.system}
	}
	if f.topP.set {
		req.TopP = &f.topP.v
	}
	return req
}

// connectFlags say where requests go.
type connectFlags struct {
	region      string
	profile     string
	endpointURL string
	local       bool
	pace        string
	// timeout bounds the wait for the first byte of an answer (or of a
	// count or model list); connectTimeout the wait for a connection.
	timeout, connectTimeout time.Duration
}

// register adds the connection flags; withPace adds --pace, which only
// matters for commands that stream.
func (f *connectFlags) register(fs *flag.FlagSet, withPace bool) {
	fs.StringVar(&f.region, "region", "", "AWS region (default: AWS_REGION, the profile's, else us-east-1)")
	fs.StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE, else default)")
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "Bedrock Runtime endpoint `URL`, e.g. a rockstream serve")
	fs.BoolVar(&f.local, "local", false, "answer from the local runtime's builtin model, even with AWS credentials")
	fs.DurationVar(&f.timeout, "timeout", defaultFirstByte, "give up when the answer has not started after this `duration`")
	fs.DurationVar(&f.connectTimeout, "connect-timeout", defaultConnectTimeout, "give up connecting to the endpoint after this `duration`")
	if withPace {
		fs.StringVar(&f.pace, "pace", "", "local runtime pace, e.g. ttft=300ms,tps=40 (sent as X-Rockstream-Pace)")
	}
}

func (f *connectFlags) check() error {
	if f.timeout <= 0 || f.connectTimeout <= 0 {
		return usageErrorf("--timeout and --connect-timeout must be positive durations, e.g. 30s")
	}
	if f.local && f.endpointURL != "" {
		return usageErrorf("--local and --endpoint-url exclude each other")
	}
	if f.pace != "" {
		if _, err := builtin.ParsePace(f.pace, builtin.DefaultPace); err != nil {
			return usageErrorf("--pace: %v", err)
		}
	}
	if f.endpointURL != "" && !strings.HasPrefix(f.endpointURL, "http://") && !strings.HasPrefix(f.endpointURL, "https://") {
		return usageErrorf("--endpoint-url must start with http:// or https://, not %q", f.endpointURL)
	}
	return nil
}

// outputFlags choose the printer.
type outputFlags struct {
	json, raw, stats bool
}

func (f *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "print one JSON event per line (NDJSON), ending with an outcome line")
	fs.BoolVar(&f.raw, "raw", false, "print the model's own chunk JSON, one per line")
	fs.BoolVar(&f.stats, "stats", false, "print time to first token, tokens/s, tokens, latency and request ID on stderr")
}

func (f *outputFlags) check(api string) error {
	if f.json && f.raw {
		return usageErrorf("--json and --raw exclude each other")
	}
	if f.raw && api == "converse" {
		return usageErrorf("--raw needs --api invoke: ConverseStream has no model chunks")
	}
	return nil
}

// optionalFloat is a float flag that remembers whether it was set.
type optionalFloat struct {
	v   float64
	set bool
}

func (o *optionalFloat) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatFloat(o.v, 'g', -1, 64)
}

func (o *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number")
	}
	o.v, o.set = v, true
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
