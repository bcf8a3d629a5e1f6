package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/rockstream/rockstream"
)

// Defaults of --connect-timeout and --timeout: connecting is quick or
// broken; a large prompt on a busy model may take a minute to start.
const (
	defaultConnectTimeout = 10 * time.Second
	defaultFirstByte      = 2 * time.Minute
	// waitNoteAfter is when a terminal hears that the answer is slow to
	// start, unless --timeout comes sooner.
	waitNoteAfter = 3 * time.Second
)

// errNoFirstByte is the cause set on a stream that --timeout ended.
var errNoFirstByte = errors.New("no first byte before --timeout")

// boundFirstByte runs stream under --timeout: when no event (nor error)
// arrives within timeout, the request is cancelled and the stream fails
// with a timeout error naming where it waited. On a terminal, a note on
// stderr says it is still waiting, so a silent server is never silent.
func (c *cli) boundFirstByte(ctx context.Context, timeout time.Duration, where string,
	stream func(context.Context) iter.Seq2[rockstream.Event, error]) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		sctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		deadline := time.AfterFunc(timeout, func() { cancel(errNoFirstByte) })
		defer deadline.Stop()
		note := time.AfterFunc(min(waitNoteAfter, timeout/2), func() {
			if c.stderrTTY {
				fmt.Fprintf(c.stderr, "rockstream: waiting for the first token from %s; giving up after %s (--timeout), Ctrl-C stops.\n", where, timeout)
			}
		})
		defer note.Stop()
		started := false
		for ev, err := range stream(sctx) {
			if !started {
				started = true
				deadline.Stop()
				note.Stop()
			}
			if err != nil && errors.Is(context.Cause(sctx), errNoFirstByte) && ctx.Err() == nil {
				err = &rockstream.Error{
					Class: rockstream.ClassTimeout,
					Message: fmt.Sprintf("no answer from %s within %s (--timeout): it accepted the request but sent nothing; "+
						"check the endpoint, or raise --timeout for a slow model", where, timeout),
					Err: errNoFirstByte,
				}
			}
			if !yield(ev, err) {
				return
			}
		}
	}
}

// bounded is ctx limited by --timeout, for the calls that answer in one
// piece (CountTokens, ListModels).
func (conn *connection) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, conn.firstByte, errNoFirstByte)
}

// explain turns the failure of a call made under bounded into the
// --timeout message when that is what ended it.
func (conn *connection) explain(ctx context.Context, err error) error {
	if err == nil || !errors.Is(context.Cause(ctx), errNoFirstByte) {
		return err
	}
	return &rockstream.Error{
		Class: rockstream.ClassTimeout,
		Message: fmt.Sprintf("no answer from %s within %s (--timeout); check the endpoint, or raise --timeout",
			conn.where, conn.firstByte),
		Err: errNoFirstByte,
	}
}
