package chat

import "strings"

// part is a run of answer text, reasoning or not.
type part struct {
	text      string
	reasoning bool
}

// tagSplitter reads gpt-oss text that opens with "<reasoning>…</reasoning>"
// into reasoning and text, across chunk boundaries. It holds back only
// what may be the start of a tag (fewer than a dozen bytes) until the next
// chunk tells; everything else leaves at once.
type tagSplitter struct {
	state   int // before the first text, inside the reasoning, or after it
	pending string
}

const (
	tagBefore = iota
	tagInside
	tagAfter
)

// feed returns the parts s completes.
func (t *tagSplitter) feed(s string) []part {
	s = t.pending + s
	t.pending = ""
	var out []part
	for s != "" {
		switch t.state {
		case tagBefore:
			if len(s) < len(openTag) && strings.HasPrefix(openTag, s) {
				t.pending = s
				return out
			}
			if rest, ok := strings.CutPrefix(s, openTag); ok {
				t.state, s = tagInside, rest
				continue
			}
			t.state = tagAfter
		case tagInside:
			if before, after, ok := strings.Cut(s, closeTag); ok {
				if before != "" {
					out = append(out, part{before, true})
				}
				t.state, s = tagAfter, after
				continue
			}
			keep := partialSuffix(s, closeTag)
			if body := s[:len(s)-keep]; body != "" {
				out = append(out, part{body, true})
			}
			t.pending = s[len(s)-keep:]
			return out
		default:
			return append(out, part{s, false})
		}
	}
	return out
}

// flush returns what was held back, at the end of the stream.
func (t *tagSplitter) flush() []part {
	s := t.pending
	t.pending = ""
	if s == "" {
		return nil
	}
	return []part{{s, t.state == tagInside}}
}

// partialSuffix is the length of the longest suffix of s that is a proper
// prefix of tag.
func partialSuffix(s, tag string) int {
	for n := min(len(s), len(tag)-1); n > 0; n-- {
		if strings.HasSuffix(s, tag[:n]) {
			return n
		}
	}
	return 0
}
