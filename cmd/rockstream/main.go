// Command rockstream streams foundation-model answers from Amazon Bedrock,
// or from its local Bedrock Runtime when no AWS credentials are configured,
// to the terminal; it also runs that runtime and the gateway (serve), lists
// models (models), holds conversations (chat) and measures streaming under
// load (bench). Run rockstream -h for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// main wires the process to run. SIGTERM cancels ctx; SIGINT (Ctrl-C) is
// handled per command by run, because chat stops only the answer in
// progress while the other commands end.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
