package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/server"
)

// localRuntime is the in-process Bedrock Runtime the CLI answers from when
// no AWS credentials are configured.
type localRuntime struct {
	url   string
	close func()
}

// startLocalRuntime serves the builtin model on a loopback port until ctx
// ends or close is called, with the model list of ROCKSTREAM_MODELS and
// ROCKSTREAM_STRICT_MODELS when they are set.
func startLocalRuntime(ctx context.Context, getenv func(string) string) (*localRuntime, error) {
	strict := false
	if v := getenv(envFor("strict-models")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, usageErrorf("%s=%q: not a boolean", envFor("strict-models"), v)
		}
		strict = b
	}
	restore, err := installCatalog(getenv(envFor("models")), strict)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envFor("models"), err)
	}
	rt, err := server.Start(ctx, server.Options{
		Backend: builtin.New(builtin.Options{}),
		Region:  defaultRegion,
	}, "127.0.0.1:0")
	if err != nil {
		restore()
		return nil, err
	}
	return &localRuntime{url: rt.URL, close: func() { _ = rt.Close(); restore() }}, nil
}
