package wire

import (
	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/internal/eventframe"
	"github.com/rockstream/rockstream/server/relay"
)

// FrameWriter is the event-stream sink of the relay core.
var _ relay.Sink = (*FrameWriter)(nil)

// Write sends one batch of items; several go out with one flush, and
// without flush they wait for the next batch's.
func (fw *FrameWriter) Write(items []relay.Item, flush bool) error {
	if len(items) == 1 && flush && !fw.holding {
		return fw.item(items[0])
	}
	fw.Hold()
	var err error
	for _, it := range items {
		if err = fw.item(it); err != nil {
			break
		}
	}
	if !flush && err == nil {
		return nil
	}
	if rerr := fw.Release(); err == nil {
		err = rerr
	}
	return err
}

func (fw *FrameWriter) item(it relay.Item) error {
	switch it.Kind {
	case relay.Exception:
		fw.buf = eventframe.AppendFrame(fw.buf[:0], eventframe.ExceptionMessage, it.Name, it.Data)
		return fw.write(fw.buf)
	case relay.Frame:
		return fw.write(it.Data)
	}
	return fw.Event(it.Name, it.Data)
}

// Final is Write: an HTTP response has no bound to wait on.
func (fw *FrameWriter) Final(items []relay.Item) error { return fw.Write(items, true) }

// Respond writes e as Bedrock's error response unless the stream began.
func (fw *FrameWriter) Respond(e *rockstream.Error) bool {
	if fw.started {
		return false
	}
	WriteError(fw.w, e)
	return true
}

// Keepalive does nothing: the event stream has no keepalive frame.
func (fw *FrameWriter) Keepalive() error { return nil }

// Abort writes half a frame, as a connection cut mid-frame leaves it.
func (fw *FrameWriter) Abort() { _ = fw.WriteHalf() }

// ExceptionItem is the exception frame reporting e inside stream kind:
// the nearest exception its union knows, with Bedrock's JSON body.
func ExceptionItem(kind Stream, e *rockstream.Error) relay.Item {
	exType := ExceptionType(kind, Code(e))
	code := string(exType[0]-'a'+'A') + exType[1:]
	return relay.Item{Kind: relay.Exception, Name: exType, Data: body(e, code, false)}
}
