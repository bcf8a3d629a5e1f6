package main

import (
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/backend/builtin"
)

// backendFlags configure the backend serve answers from.
type backendFlags struct {
	name   string
	pace   string
	rules  string
	script string
}

// backendNames lists the --backend choices, for help and errors.
const backendNames = "builtin"

// newBackend builds the backend --backend names.
func newBackend(f backendFlags) (rockstream.Backend, error) {
	switch f.name {
	case "builtin":
		return newBuiltin(f)
	}
	return nil, usageErrorf("--backend must be one of %s, not %q", backendNames, f.name)
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
	if f.rules != "" {
		r, err := builtin.LoadRules(f.rules)
		if err != nil {
			return nil, err
		}
		opts.Rules = r
	}
	if f.script != "" {
		s, err := builtin.LoadScript(f.script)
		if err != nil {
			return nil, err
		}
		opts.Script = s
	}
	return builtin.New(opts), nil
}
