package replay

import (
	"fmt"
	"math"

	"github.com/rockstream/rockstream"
)

// Bounds on one recording, the same when written and when read, so every
// file the recorder writes can be replayed and no file can make the
// server hold more than this.
const (
	// DefaultMaxEvents is the most events one recording holds.
	DefaultMaxEvents = 100_000
	// DefaultMaxFileBytes is the largest recording file.
	DefaultMaxFileBytes = 32 << 20
	// maxDelayMS is the longest delay before one event: an hour.
	maxDelayMS = 3600_000
)

// Bounds on a recording directory, by default.
const (
	DefaultMaxFiles = 10_000
	DefaultMaxBytes = 1 << 30
)

// checkEvent refuses an event a frontend could not play safely. Block
// indexes must be 0 or more and may grow by at most one block at a time
// (so no index asks for more blocks than the file has events); delays
// must be between 0 and an hour.
func checkEvent(i int, re RecordedEvent, ev rockstream.Event, blocks *int) error {
	if re.AfterMS < 0 || re.AfterMS > maxDelayMS || math.IsNaN(re.AfterMS) {
		return fmt.Errorf("replay: event %d has a delay of %vms; want 0 to %d", i, re.AfterMS, maxDelayMS)
	}
	idx, ok := blockIndex(ev)
	if !ok {
		return nil
	}
	if idx < 0 || idx > *blocks {
		return fmt.Errorf("replay: event %d has block index %d; want 0 to %d (one past the blocks so far)", i, idx, *blocks)
	}
	if idx == *blocks {
		*blocks++
	}
	return nil
}

// blockIndex is the block an event belongs to, if it belongs to one.
func blockIndex(ev rockstream.Event) (int, bool) {
	switch e := ev.(type) {
	case rockstream.BlockStart:
		return e.Index, true
	case rockstream.TextDelta:
		return e.Index, true
	case rockstream.ToolInputDelta:
		return e.Index, true
	case rockstream.ReasoningDelta:
		return e.Index, true
	case rockstream.SignatureDelta:
		return e.Index, true
	case rockstream.BlockStop:
		return e.Index, true
	}
	return 0, false
}

// checkOutcome refuses an outcome that could not be served: an error
// must have a status a response can carry.
func checkOutcome(o RecordedOutcome) error {
	if o.AfterMS < 0 || o.AfterMS > maxDelayMS || math.IsNaN(o.AfterMS) {
		return fmt.Errorf("replay: the outcome has a delay of %vms; want 0 to %d", o.AfterMS, maxDelayMS)
	}
	if e := o.Error; e != nil && e.StatusCode != 0 && (e.StatusCode < 400 || e.StatusCode > 599) {
		return fmt.Errorf("replay: the outcome's error has status %d; want 400 to 599", e.StatusCode)
	}
	return nil
}
