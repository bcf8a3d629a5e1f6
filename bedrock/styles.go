package bedrock

import (
	"context"

	"github.com/rockstream/rockstream"
)

// Do streams req and calls fn with each event as it arrives, the style of
// the original lab. It returns the answer accumulated so far: all of it on
// success, the part received before the failure otherwise. An error from
// fn stops the stream (closing the connection) and is returned as is; any
// other error is a *rockstream.Error.
func (c *Client) Do(ctx context.Context, req *rockstream.Request, fn func(rockstream.Event) error) (*rockstream.Response, error) {
	var acc rockstream.Accumulator
	result := func(err error) (*rockstream.Response, error) {
		resp := acc.Response()
		return &resp, err
	}
	for ev, err := range c.Stream(ctx, req) {
		if err != nil {
			return result(err)
		}
		if err := acc.Add(ev); err != nil {
			return result(&rockstream.Error{Class: rockstream.ClassProtocol, Message: "bedrock: " + err.Error(), Err: err})
		}
		if fn != nil {
			if err := fn(ev); err != nil {
				return result(err)
			}
		}
	}
	return result(nil)
}

// StreamText streams req and calls fn with each piece of generated text,
// for callers that want nothing else. It returns the whole answer, with
// usage and stop reason, like Do.
func (c *Client) StreamText(ctx context.Context, req *rockstream.Request, fn func(text string)) (*rockstream.Response, error) {
	return c.Do(ctx, req, func(ev rockstream.Event) error {
		if d, ok := ev.(rockstream.TextDelta); ok && fn != nil {
			fn(d.Text)
		}
		return nil
	})
}

// Result is one item of the Events channel: an event, or the error that
// ends the stream.
type Result struct {
	Event rockstream.Event
	Err   error
}

// Events streams req into a channel, for select-based callers. The
// channel is unbuffered, so a slow reader slows the upstream, and it is
// closed after the last event or the error. A reader that stops early must
// cancel ctx: every send also waits on ctx, so the producer then ends and
// closes the connection.
func (c *Client) Events(ctx context.Context, req *rockstream.Request) <-chan Result {
	ch := make(chan Result)
	go func() {
		defer close(ch)
		for ev, err := range c.Stream(ctx, req) {
			select {
			case ch <- Result{Event: ev, Err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}
