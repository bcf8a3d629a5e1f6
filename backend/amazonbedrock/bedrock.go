// Package bedrock is the backend that makes rockstream serve a gateway in
// front of Amazon Bedrock: every request goes through the bedrock client
// (credentials, region and endpoint as the CLI resolves them), with the
// operation chosen per model and inference profiles chosen for models
// that have no on-demand throughput.
package amazonbedrock

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/dialect/family"
)

// APIRoute says which operation serves models matching Model, a
// path.Match pattern or an exact ID.
type APIRoute struct {
	Model string
	API   bedrock.API
}

// Options configure the backend.
type Options struct {
	// Client configures both underlying clients; its API is the default
	// operation for models no route names.
	Client bedrock.Options
	// APIs choose the operation per model, first match wins. Some
	// accounts may call only one of them for a model.
	APIs []APIRoute
	// NoProfileFallback turns off retrying a model that has no on-demand
	// throughput with the region's inference profile.
	NoProfileFallback bool
	// SDKTransport streams InvokeModelWithResponseStream through the AWS
	// SDK's operation stack and event-stream reader. By default the backend
	// uses the client's direct transport (bedrock.Options.Direct): the same
	// endpoint, credentials, errors and retries at about a third of the
	// CPU per frame and without three reader goroutines per stream, which
	// is what a gateway relaying many streams needs. Client.Direct is
	// ignored; this field decides.
	SDKTransport bool
	// NoPassthrough converts every request through the neutral model,
	// even one that arrived in a Bedrock wire and could go upstream as
	// the caller sent it (rockstream.Wire). For comparison only: the
	// pass-through is what keeps every field and frame the caller's.
	NoPassthrough bool
}

// Backend streams from Bedrock.
type Backend struct {
	invoke, converse *bedrock.Client
	routes           []APIRoute
	defaultAPI       bedrock.API
	fallback         bool
	convert          bool
	log              *slog.Logger
}

var _ rockstream.Backend = (*Backend)(nil)

// New builds the backend's clients.
func New(ctx context.Context, opts Options) (*Backend, error) {
	b := &Backend{routes: opts.APIs, defaultAPI: opts.Client.API, fallback: !opts.NoProfileFallback, convert: opts.NoPassthrough, log: opts.Client.Logger}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	for _, api := range []bedrock.API{bedrock.Invoke, bedrock.Converse} {
		o := opts.Client
		o.API = api
		o.Direct = !opts.SDKTransport
		c, err := bedrock.New(ctx, o)
		if err != nil {
			return nil, err
		}
		if api == bedrock.Invoke {
			b.invoke = c
		} else {
			b.converse = c
		}
	}
	return b, nil
}

// ReadAPIRoutes reads a JSON object mapping model patterns to "invoke" or
// "converse", e.g. {"meta.*": "converse", "anthropic.*": "invoke"}. Keys
// are tried in sorted order, longer patterns first.
func ReadAPIRoutes(file string) ([]APIRoute, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseAPIRoutes(b)
}

// ParseAPIRoutes decodes the JSON form ReadAPIRoutes reads.
func ParseAPIRoutes(b []byte) ([]APIRoute, error) {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("bedrock backend: API routes: %w", err)
	}
	var routes []APIRoute
	for pattern, name := range m {
		if _, err := path.Match(pattern, ""); err != nil {
			return nil, fmt.Errorf("bedrock backend: bad model pattern %q: %w", pattern, err)
		}
		var api bedrock.API
		switch strings.ToLower(name) {
		case "invoke":
			api = bedrock.Invoke
		case "converse":
			api = bedrock.Converse
		default:
			return nil, fmt.Errorf("bedrock backend: model %q: API %q is neither invoke nor converse", pattern, name)
		}
		routes = append(routes, APIRoute{Model: pattern, API: api})
	}
	sortRoutes(routes)
	return routes, nil
}

// sortRoutes puts longer (more specific) patterns first, then by name.
func sortRoutes(r []APIRoute) {
	sort.Slice(r, func(i, j int) bool {
		if len(r[i].Model) != len(r[j].Model) {
			return len(r[i].Model) > len(r[j].Model)
		}
		return r[i].Model < r[j].Model
	})
}

// clientForRequest keeps the operation of a request that arrived in a
// Bedrock wire (the caller chose it), and sends an Anthropic Messages
// request for a Claude model to InvokeModel, whose body it is; others go
// by clientFor.
func (b *Backend) clientForRequest(req *rockstream.Request) *bedrock.Client {
	if req.Wire != nil && req.Wire.Relay != nil {
		switch req.Wire.API {
		case rockstream.WireInvokeStream:
			return b.invoke
		case rockstream.WireConverseStream:
			return b.converse
		case rockstream.WireAnthropicMessages:
			if c, err := family.ForModel(req.Model); err == nil && c.Name() == "anthropic" {
				return b.invoke
			}
		}
	}
	return b.clientFor(req.Model)
}

// clientFor is the client whose operation serves model.
func (b *Backend) clientFor(model string) *bedrock.Client {
	api := b.defaultAPI
	for _, r := range b.routes {
		if ok, _ := path.Match(r.Model, model); ok || r.Model == model {
			api = r.API
			break
		}
	}
	if api == bedrock.Converse {
		return b.converse
	}
	return b.invoke
}

// Stream streams req from Bedrock. A model without on-demand throughput
// is tried once more with the region's inference profile, before anything
// was streamed, and the stream's MessageStart says which ID answered.
func (b *Backend) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		if req == nil {
			yield(nil, rockstream.Validationf("there is no request to stream"))
			return
		}
		if b.convert && req.Wire != nil {
			r := *req
			r.Wire = nil
			req = &r
		}
		c := b.clientForRequest(req)
		for ev, err := range c.Stream(ctx, req) {
			if err != nil && b.fallback && needsProfile(err) {
				profile := bedrock.ProfileID(req.Model, c.Region())
				if profile != req.Model {
					b.log.LogAttrs(ctx, slog.LevelInfo, "bedrock backend: using the inference profile",
						slog.String("model", req.Model), slog.String("profile", profile))
					b.streamAs(ctx, c, req, profile, yield)
					return
				}
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// CountTokens asks Bedrock's CountTokens for req's input tokens, in the
// form of the API that would stream it.
func (b *Backend) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	return b.clientFor(req.Model).CountTokens(ctx, req)
}

var _ rockstream.GuardrailRelayer = (*Backend)(nil)

// RelayApplyGuardrail passes an ApplyGuardrail call on to Bedrock, whose
// guardrails these are, unchanged both ways.
func (b *Backend) RelayApplyGuardrail(ctx context.Context, identifier, version string, body []byte) (*rockstream.WireReply, error) {
	return b.invoke.RelayApplyGuardrail(ctx, identifier, version, body)
}

// streamAs streams req under another model ID, reporting it as Resolved.
func (b *Backend) streamAs(ctx context.Context, c *bedrock.Client, req *rockstream.Request, model string, yield func(rockstream.Event, error) bool) {
	r := *req
	r.Model = model
	for ev, err := range c.Stream(ctx, &r) {
		if start, ok := ev.(rockstream.MessageStart); ok {
			start.Resolved = model
			ev = start
		}
		if !yield(ev, err) || err != nil {
			return
		}
	}
}

// needsProfile reports Bedrock's answer for a model invoked by its bare ID
// that only runs through an inference profile.
func needsProfile(err error) bool {
	e := rockstream.AsError(err)
	return e.Class == rockstream.ClassValidation && !e.InStream &&
		strings.Contains(strings.ToLower(e.Message), "on-demand throughput isn")
}
