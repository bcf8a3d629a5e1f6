package chat

import "testing"

// TestTagSplitterEverySplit feeds gpt-oss text cut at every byte and at
// every pair of bytes: the reasoning and the answer come out the same.
func TestTagSplitterEverySplit(t *testing.T) {
	const in = "<reasoning>Think <b>hard</b>.</reasoning>Answer </reasoning"
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			var s tagSplitter
			var parts []part
			for _, piece := range []string{in[:i], in[i:j], in[j:]} {
				parts = append(parts, s.feed(piece)...)
			}
			parts = append(parts, s.flush()...)
			var reasoning, text string
			for _, p := range parts {
				if p.reasoning {
					reasoning += p.text
				} else {
					text += p.text
				}
			}
			if reasoning != "Think <b>hard</b>." || text != "Answer </reasoning" {
				t.Fatalf("split at %d,%d: reasoning %q text %q", i, j, reasoning, text)
			}
		}
	}
}

func TestTagSplitterPlainText(t *testing.T) {
	var s tagSplitter
	parts := append(s.feed("<rea"), s.feed("dy>go")...)
	parts = append(parts, s.flush()...)
	if len(parts) != 1 || parts[0].reasoning || parts[0].text != "<ready>go" {
		t.Errorf("parts %+v", parts)
	}
}
