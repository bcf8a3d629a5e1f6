package relay

import (
	"errors"

	"github.com/rockstream/rockstream"
)

// Passthrough is the Encoder of a request whose backend may relay the
// caller's own wire (rockstream.Wire): the units the backend relays leave
// as they came, each with the event decoded from it; when the backend
// relays none (it speaks another wire), events are encoded by Enc. Unit
// turns one relayed unit into an item (a frame, an SSE event).
type Passthrough struct {
	Enc  Encoder
	Unit func(dst []Item, unit []byte) []Item

	units   []byte // relayed units not yet sent, back to back
	ends    []int
	passing bool
	more    bool // the unit after the last one relayed has arrived
}

var _ Encoder = (*Passthrough)(nil)

// Relay is the rockstream.Wire Relay callback: it keeps a copy of unit
// until the events decoded from it are encoded.
func (p *Passthrough) Relay(unit []byte, more bool) {
	p.more = more
	if !p.passing {
		p.passing = true
		p.units = p.units[:0]
	}
	p.units = append(p.units, unit...)
	p.ends = append(p.ends, len(p.units))
}

// Ready reports that the backend's next unit has already arrived: the
// items just encoded may wait for it and leave in one write.
func (p *Passthrough) Ready() bool { return p.passing && p.more }

// Passing reports whether the backend relays the caller's wire.
func (p *Passthrough) Passing() bool { return p.passing }

// take appends the pending units as items. Their bytes stay valid until
// the next Relay, which comes only after the items were written.
func (p *Passthrough) take(dst []Item) []Item {
	start := 0
	for _, end := range p.ends {
		dst = p.Unit(dst, p.units[start:end:end])
		start = end
	}
	p.units, p.ends = p.units[:0], p.ends[:0]
	return dst
}

func (p *Passthrough) Encode(dst []Item, ev rockstream.Event) ([]Item, error) {
	if p.passing {
		return p.take(dst), nil
	}
	return p.Enc.Encode(dst, ev)
}

func (p *Passthrough) End(dst []Item) ([]Item, error) {
	if p.passing {
		return p.take(dst), nil
	}
	return p.Enc.End(dst)
}

// Fail reports e as the dialect does; units relayed before the failure
// go first. A failure the backend relayed itself, as a unit (an upstream
// exception frame or error object, passed on as it came), has been
// reported already and is not reported again.
func (p *Passthrough) Fail(dst []Item, e *rockstream.Error) []Item {
	if p.passing {
		dst = p.take(dst)
		var r *rockstream.Relayed
		if errors.As(e, &r) {
			return dst
		}
	}
	return p.Enc.Fail(dst, e)
}
