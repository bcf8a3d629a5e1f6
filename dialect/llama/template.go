package llama

import (
	"strings"

	"github.com/rockstream/rockstream"
)

// chatFormat is a Llama header-token chat template. Llama 3.x and Llama 4
// share its shape and differ in token spelling.
type chatFormat struct {
	begin, start, end, eot string
}

var (
	llama3 = chatFormat{begin: "<|begin_of_text|>", start: "<|start_header_id|>", end: "<|end_header_id|>\n\n", eot: "<|eot_id|>"}
	llama4 = chatFormat{begin: "<|begin_of_text|>", start: "<|header_start|>", end: "<|header_end|>\n\n", eot: "<|eot|>"}
)

// imageToken marks where an image of the request's images array goes
// (Llama 3.2 and 4 vision).
const imageToken = "<|image|>"

// formatFor picks the template for a model ID.
func formatFor(model string) chatFormat {
	if strings.Contains(model, "llama4") {
		return llama4
	}
	return llama3
}

// render writes the conversation; image blocks become image tokens and
// their bytes are returned in order. The assistant header ends the prompt
// unless the last message is an assistant prefill.
func (f chatFormat) render(system []string, msgs []rockstream.Message) (string, [][]byte) {
	var sb strings.Builder
	var images [][]byte
	sb.WriteString(f.begin)
	for _, s := range system {
		f.header(&sb, "system")
		sb.WriteString(s)
		sb.WriteString(f.eot)
	}
	for i, m := range msgs {
		f.header(&sb, string(m.Role))
		for _, b := range m.Content {
			if b.Type == rockstream.BlockImage {
				sb.WriteString(imageToken)
				images = append(images, b.Image.Data)
				continue
			}
			sb.WriteString(b.Text)
		}
		if i < len(msgs)-1 || m.Role != rockstream.RoleAssistant {
			sb.WriteString(f.eot)
		}
	}
	if len(msgs) == 0 || msgs[len(msgs)-1].Role != rockstream.RoleAssistant {
		f.header(&sb, "assistant")
	}
	return sb.String(), images
}

func (f chatFormat) header(sb *strings.Builder, role string) {
	sb.WriteString(f.start)
	sb.WriteString(role)
	sb.WriteString(f.end)
}

// detect returns the template s is written in.
func detect(s string) (chatFormat, bool) {
	for _, f := range []chatFormat{llama3, llama4} {
		if strings.HasPrefix(strings.TrimPrefix(s, f.begin), f.start) {
			return f, true
		}
	}
	return chatFormat{}, false
}

// parsed is a prompt read back into a conversation.
type parsed struct {
	system []string
	msgs   []rockstream.Message
	images int // image tokens seen
}

// parse reads a prompt written in f. ok is false for roles other than
// system, user and assistant (tool turns) or a header without its end.
func (f chatFormat) parse(s string, images []*rockstream.Image) (p parsed, ok bool) {
	s = strings.TrimPrefix(s, f.begin)
	for s != "" {
		rest, found := strings.CutPrefix(s, f.start)
		if !found {
			return p, false
		}
		role, rest, found := strings.Cut(rest, f.end)
		if !found {
			return p, false
		}
		text, after, closed := strings.Cut(rest, f.eot)
		s = after
		switch {
		case role == "system" && len(p.msgs) == 0:
			p.system = append(p.system, text)
		case role == "assistant" && !closed && text == "":
			return p, true // the header that asks the model to answer
		case role == "user" || role == "assistant":
			blocks, ok := splitImages(text, images, &p.images)
			if !ok {
				return p, false
			}
			p.msgs = append(p.msgs, rockstream.Message{Role: rockstream.Role(role), Content: blocks})
		default:
			return p, false
		}
	}
	return p, true
}

// splitImages turns text with image tokens into blocks, taking images in
// order; it fails when the tokens outnumber the images.
func splitImages(text string, images []*rockstream.Image, used *int) ([]rockstream.Block, bool) {
	var blocks []rockstream.Block
	for {
		before, after, found := strings.Cut(text, imageToken)
		if before != "" || (!found && len(blocks) == 0) {
			blocks = append(blocks, rockstream.Block{Type: rockstream.BlockText, Text: before})
		}
		if !found {
			return blocks, true
		}
		if *used >= len(images) {
			return nil, false
		}
		blocks = append(blocks, rockstream.Block{Type: rockstream.BlockImage, Image: images[*used]})
		*used++
		text = after
	}
}
