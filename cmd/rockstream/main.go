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
	"sync/atomic"
	"syscall"
)

// exitTerminated is the exit code after SIGTERM, 128 + 15 as shells report.
const exitTerminated = 143

// main wires the process to run. SIGTERM cancels ctx and makes the exit
// code 143; SIGINT (Ctrl-C) is handled per command by run, because chat
// stops only the answer in progress while the other commands end.
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	var terminated atomic.Bool
	go func() {
		<-terms
		terminated.Store(true)
		cancel()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(terms)
	// serve's graceful stop on SIGTERM is its normal end (exit 0, as its
	// help says); any other command was cut short.
	if terminated.Load() && !(code == exitOK && len(os.Args) > 1 && os.Args[1] == "serve") {
		code = exitTerminated
	}
	os.Exit(code)
}
