package main

import (
	"strings"
	"unicode/utf8"
)

// controlFilter removes terminal control sequences from model text bound
// for a terminal, so an answer cannot recolour, retitle or rewrite the
// screen: ESC sequences (CSI, OSC, DCS, SOS, PM and APC strings, two-byte
// escapes), C0 controls other than newline and tab, DEL and C1 controls.
// It keeps state between writes, because a sequence may be split across
// text deltas.
type controlFilter struct {
	state filterState
}

type filterState int

const (
	plain     filterState = iota
	afterESC              // ESC seen
	inCSI                 // ESC [ … until a final byte 0x40–0x7E
	inString              // ESC ] / P / X / ^ / _ … until BEL or ESC \
	stringESC             // ESC inside a string: ESC \ ends it
)

// filter returns s without control sequences.
func (f *controlFilter) filter(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch f.state {
		case plain:
			switch {
			case r == 0x1b:
				f.state = afterESC
			case r == 0x9b: // C1 CSI
				f.state = inCSI
			case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
				f.state = inString
			case r == '\n' || r == '\t':
				b.WriteRune(r)
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
				// dropped
			case r == utf8.RuneError && size == 1:
				// A stray byte could pair with the next kept one into a
				// control: it becomes U+FFFD.
				b.WriteRune(utf8.RuneError)
			default:
				b.WriteString(s[i-size : i])
			}
		case afterESC:
			switch r {
			case '[':
				f.state = inCSI
			case ']', 'P', 'X', '^', '_':
				f.state = inString
			default:
				// A two-byte escape (ESC 7, ESC c, …), or one followed by an
				// intermediate byte; either way the sequence ends here.
				f.state = plain
			}
		case inCSI:
			if r >= 0x40 && r <= 0x7e {
				f.state = plain
			}
		case inString:
			switch r {
			case 0x07, 0x9c:
				f.state = plain
			case 0x1b:
				f.state = stringESC
			}
		case stringESC:
			if r == '\\' {
				f.state = plain
			} else {
				f.state = inString
			}
		}
	}
	return b.String()
}
