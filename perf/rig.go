package perf

import (
	"errors"
	"net/http"

	"github.com/rockstream/rockstream/bench"
)

// Model is the model every measurement invokes: an Anthropic model with
// on-demand throughput, so the gateway needs no inference profile.
const Model = "anthropic.claude-3-sonnet-20240229-v1:0"

// Prompt is the prompt every measurement sends.
const Prompt = "Tell me a story about two puppies"

// RigOptions shape a Rig.
type RigOptions struct {
	// Header goes on every request to the runtime, sent by the load
	// generator when direct and added by the gateway when relayed: the
	// builtin model's pace (X-Rockstream-Pace) and faults.
	Header http.Header
	// GatewayCPUProfile, when set, is a file the gateway process writes
	// its CPU profile to, from start to Close.
	GatewayCPUProfile string
}

// Rig is the local runtime and a gateway in front of it, each in its own
// process, as an operator would run them: `rockstream serve` (builtin
// backend) and `rockstream serve --backend bedrock` pointed at it.
type Rig struct {
	Runtime, Gateway *Process
	header           http.Header
	client           *http.Client
}

// StartRig starts the runtime, then the gateway.
func StartRig(o RigOptions) (*Rig, error) {
	rt, err := Spawn(RoleRuntime)
	if err != nil {
		return nil, err
	}
	env := []string{envUpstream + "=" + rt.URL, envUpstreamHeaders + "=" + headerLines(o.Header)}
	if o.GatewayCPUProfile != "" {
		env = append(env, envCPUProfile+"="+o.GatewayCPUProfile)
	}
	gw, err := Spawn(RoleGateway, env...)
	if err != nil {
		rt.Close()
		return nil, err
	}
	return &Rig{Runtime: rt, Gateway: gw, header: o.Header, client: newClient()}, nil
}

// Target is a request for maxTokens text pieces at url, over HTTP/2 or,
// with EnvHTTP=1.1, HTTP/1.1.
func (r *Rig) Target(url string, maxTokens int) bench.Target {
	return bench.Target{URL: url, Model: Model, Prompt: Prompt, MaxTokens: maxTokens, Header: r.header, Client: r.client}
}

// Drivers are lean Bedrock-wire clients for the same request straight to
// the runtime and through the gateway.
func (r *Rig) Drivers(maxTokens int) (direct, gateway *Invoker, err error) {
	if direct, err = NewInvoker(r.Target(r.Runtime.URL, maxTokens)); err != nil {
		return nil, nil, err
	}
	gateway, err = NewInvoker(r.Target(r.Gateway.URL, maxTokens))
	return direct, gateway, err
}

// Close stops both processes, the gateway first.
func (r *Rig) Close() error {
	r.client.CloseIdleConnections()
	return errors.Join(r.Gateway.Close(), r.Runtime.Close())
}
