package builtin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"github.com/rockstream/rockstream"
)

// plan is everything a stream will say, decided before it starts; the
// stream loop only paces it and injects faults.
type plan struct {
	model       string
	messageID   string
	inputTokens int
	blocks      []planBlock
	stop        rockstream.StopReason
	stopSeq     string
	// Set once the stream is admitted (settleCache, echo): the input
	// tokens read from and written to the prompt cache (inputTokens then
	// excludes them), and what the answer echoes of the request.
	cacheRead, cacheWrite int
	additional            string
	latency, serviceTier  string
}

type planBlock struct {
	typ       rockstream.BlockType
	toolUseID string
	name      string
	pieces    []string // text, reasoning or tool-input JSON pieces
	signature string   // for thinking blocks
}

// outputTokens is the number of deltas the plan sends: one per piece.
func (p *plan) outputTokens() int {
	n := 0
	for _, b := range p.blocks {
		n += len(b.pieces)
	}
	return n
}

// seedFor is the generator seed for req: the caller's seed when one is
// given and the temperature is not 0, else a hash of the request's
// content, so the same request always gets the same answer. Limits
// (max_tokens, stop sequences) are left out: they cut the same answer.
func seedFor(req *rockstream.Request, override *uint64) uint64 {
	if override != nil && (req.Temperature == nil || *req.Temperature > 0) {
		return *override
	}
	content := *req
	content.MaxTokens, content.StopSequences = 0, nil
	h := fnv.New64a()
	b, err := json.Marshal(&content)
	if err != nil {
		h.Write([]byte(req.Model + promptOf(req)))
	} else {
		h.Write(b)
	}
	return h.Sum64()
}

// makePlan decides the answer to req for the model with ID modelID. A
// cancelled ctx stops the work early; the plan is then incomplete and
// the caller must not send it.
func makePlan(ctx context.Context, req *rockstream.Request, modelID string, seed uint64, script *Script) *plan {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	idRNG := rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, seed))
	c := composer{rng: rng}
	p := &plan{
		model:       modelID,
		messageID:   "msg_bdrk_" + randomID(idRNG),
		inputTokens: InputTokens(req),
	}
	prompt := promptOf(req)
	if req.Thinking != nil {
		text := c.reasoning(req)
		sum := sha256.Sum256([]byte(text + modelID))
		p.blocks = append(p.blocks, planBlock{typ: rockstream.BlockThinking, pieces: pieces(text),
			signature: base64.StdEncoding.EncodeToString(sum[:])})
	}
	var toolName string
	var toolJSON []byte
	if a := script.match(req.Model, modelID, prompt); a != nil {
		if a.text != "" {
			p.blocks = append(p.blocks, planBlock{typ: rockstream.BlockText, pieces: pieces(a.text)})
		}
		if a.tool != nil {
			toolName, toolJSON = a.tool.Name, a.tool.Input
		}
	} else if tool, ok := chooseTool(req); ok {
		if !forcedTool(req) { // a forced call comes with no text before it, as Bedrock's
			p.blocks = append(p.blocks, planBlock{typ: rockstream.BlockText, pieces: pieces(c.preface(tool))})
		}
		toolName = tool.Name
		toolJSON, _ = toolInput(ctx, tool, prompt, rng, p.piecesLeft(req.MaxTokens))
	} else {
		p.blocks = append(p.blocks, planBlock{typ: rockstream.BlockText, pieces: pieces(c.answer(req))})
	}
	if toolName != "" {
		p.blocks = append(p.blocks, planBlock{typ: rockstream.BlockToolUse, toolUseID: "toolu_bdrk_" + randomID(idRNG),
			name: toolName, pieces: jsonPieces(toolJSON)})
	}
	p.truncate(req.MaxTokens, req.StopSequences)
	return p
}

// piecesLeft is how many more pieces maxTokens lets the plan send: at
// least 0, or -1 (no limit) when maxTokens is 0.
func (p *plan) piecesLeft(maxTokens int) int {
	if maxTokens <= 0 {
		return -1
	}
	return max(maxTokens-p.outputTokens(), 0)
}

// truncate cuts the plan where the model would stop: at the first stop
// sequence completed in a text block (the sequence itself not sent), or
// after maxTokens pieces (0 means no limit), whichever comes first.
func (p *plan) truncate(maxTokens int, stops []string) {
	budget := maxTokens
	if budget <= 0 {
		budget = int(^uint(0) >> 1)
	}
	for i := range p.blocks {
		b := &p.blocks[i]
		if b.typ == rockstream.BlockText {
			if kept, seq, ok := cutAtStop(b.pieces, stops, budget); ok {
				b.pieces = kept
				p.end(i, rockstream.StopSequenceHit, seq)
				return
			}
		}
		if len(b.pieces) >= budget && (len(b.pieces) > budget || i < len(p.blocks)-1) {
			b.pieces = b.pieces[:budget]
			p.end(i, rockstream.StopMaxTokens, "")
			return
		}
		budget -= len(b.pieces)
	}
	p.stop = rockstream.StopEndTurn
	if n := len(p.blocks); n > 0 && p.blocks[n-1].typ == rockstream.BlockToolUse {
		p.stop = rockstream.StopToolUse
	}
}

// end drops the blocks after block i (and block i too when it kept no
// pieces) and records why the message stopped.
func (p *plan) end(i int, reason rockstream.StopReason, seq string) {
	if len(p.blocks[i].pieces) == 0 {
		i--
	}
	p.blocks = p.blocks[:i+1]
	p.stop, p.stopSeq = reason, seq
}

// cutAtStop finds the stop sequence the text completes first, within the
// first budget pieces, and returns the text before it as pieces.
func cutAtStop(ps []string, stops []string, budget int) (kept []string, seq string, ok bool) {
	if len(stops) == 0 {
		return nil, "", false
	}
	text := strings.Join(ps, "")
	at, end := -1, len(text)+1
	for _, s := range stops {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 && (i+len(s) < end || i+len(s) == end && i < at) {
			at, end, seq = i, i+len(s), s
		}
	}
	if at < 0 {
		return nil, "", false
	}
	// The piece that completes the sequence must be within the budget.
	pos := 0
	for j, piece := range ps {
		if pos+len(piece) >= end {
			if j >= budget {
				return nil, "", false
			}
			break
		}
		pos += len(piece)
	}
	pos = 0
	for _, piece := range ps {
		if pos+len(piece) <= at {
			kept = append(kept, piece)
		} else {
			if at > pos {
				kept = append(kept, piece[:at-pos])
			}
			break
		}
		pos += len(piece)
	}
	return kept, seq, true
}

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomID is a 24-character ID like the suffix of Bedrock's msg_bdrk_ IDs.
func randomID(rng *rand.Rand) string {
	b := make([]byte, 24)
	b[0], b[1] = '0', '1'
	for i := 2; i < len(b); i++ {
		b[i] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	return string(b)
}

// Tokens returns the text pieces a builtin stream for req carries, in
// order, with the backend's default options and no seed override: what
// a faithful frontend must deliver. Unknown models give nil.
func Tokens(req *rockstream.Request) []string { return New(Options{}).Tokens(req) }
