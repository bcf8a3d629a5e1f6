// Package router sends each request to a backend chosen by its model ID,
// so one server can answer some models from Bedrock, others from a local
// OpenAI-compatible server, and the rest from the builtin model.
package router

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path"

	"github.com/rockstream/rockstream"
)

// Route sends models matching Model to the backend named Backend. Model
// is a path.Match pattern ("anthropic.*", "*llama*") or an exact ID.
type Route struct {
	Model   string `json:"model"`
	Backend string `json:"backend"`
}

// Config is a routing file:
//
//	{"routes": [{"model": "anthropic.*", "backend": "bedrock"},
//	            {"model": "llama*", "backend": "openai"}],
//	 "default": "builtin"}
//
// Routes are tried in order; the first match wins; requests no route
// matches go to Default.
type Config struct {
	Routes  []Route `json:"routes"`
	Default string  `json:"default"`
}

// ReadConfig reads and checks a routing file.
func ReadConfig(file string) (*Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseConfig(b)
}

// ParseConfig decodes and checks a routing config.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("router: bad config: %w", err)
	}
	for i, r := range c.Routes {
		if r.Model == "" || r.Backend == "" {
			return nil, fmt.Errorf("router: route %d needs both model and backend", i)
		}
		if _, err := path.Match(r.Model, ""); err != nil {
			return nil, fmt.Errorf("router: route %d: bad pattern %q: %w", i, r.Model, err)
		}
	}
	return &c, nil
}

// Names lists every backend name the config refers to.
func (c *Config) Names() []string {
	seen := map[string]bool{}
	var names []string
	for _, n := range append([]string{c.Default}, routeBackends(c.Routes)...) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

func routeBackends(rs []Route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Backend
	}
	return out
}

// Router is a rockstream.Backend that delegates by model.
type Router struct {
	routes   []Route
	def      string
	backends map[string]rockstream.Backend
}

var _ rockstream.Backend = (*Router)(nil)

// New builds a router over named backends; every name the config uses
// must be among them.
func New(c *Config, backends map[string]rockstream.Backend) (*Router, error) {
	for _, n := range c.Names() {
		if backends[n] == nil {
			return nil, fmt.Errorf("router: config names backend %q, which is not configured", n)
		}
	}
	return &Router{routes: c.Routes, def: c.Default, backends: backends}, nil
}

// Pick names the backend for model, "" if none.
func (r *Router) Pick(model string) string {
	for _, rt := range r.routes {
		if ok, _ := path.Match(rt.Model, model); ok || rt.Model == model {
			return rt.Backend
		}
	}
	return r.def
}

// Stream sends req to the backend its model routes to.
func (r *Router) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	if req == nil {
		return func(yield func(rockstream.Event, error) bool) {
			yield(nil, rockstream.Validationf("there is no request to stream"))
		}
	}
	name := r.Pick(req.Model)
	if name == "" {
		return func(yield func(rockstream.Event, error) bool) {
			yield(nil, noRoute(req.Model))
		}
	}
	return r.backends[name].Stream(ctx, req)
}

// CountTokens asks the backend req's model routes to, if it can count.
func (r *Router) CountTokens(ctx context.Context, req *rockstream.Request) (int, error) {
	name := r.Pick(req.Model)
	if name == "" {
		return 0, noRoute(req.Model)
	}
	return rockstream.CountTokens(ctx, r.backends[name], req)
}

func noRoute(model string) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassNotFound, Code: "ResourceNotFoundException", StatusCode: 404,
		Message: fmt.Sprintf("no route for model %s and no default backend", model)}
}
