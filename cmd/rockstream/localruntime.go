package main

import (
	"context"

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
// ends or close is called.
func startLocalRuntime(ctx context.Context) (*localRuntime, error) {
	rt, err := server.Start(ctx, server.Options{
		Backend: builtin.New(builtin.Options{}),
		Region:  defaultRegion,
	}, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &localRuntime{url: rt.URL, close: func() { _ = rt.Close() }}, nil
}
