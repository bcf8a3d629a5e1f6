package cohere

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/internal/prompt"
)

type legacyResponse struct {
	ID          string       `json:"id"`
	Generations []generation `json:"generations"`
	Prompt      string       `json:"prompt,omitempty"`
}

type generation struct {
	ID           string `json:"id"`
	Text         string `json:"text"`
	FinishReason string `json:"finish_reason"`
}

// EncodeResponse writes resp as Cohere's InvokeModel answer in c's form.
func (c Codec) EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	if err := prompt.TextOnly(name, &rockstream.Request{Messages: []rockstream.Message{resp.Message}}); err != nil {
		return nil, err
	}
	text, reason := rockstream.TextOf(resp.Message.Content), finishReason(resp.StopReason, c.Chat)
	if !c.Chat {
		return prompt.JSON(legacyResponse{ID: resp.ID, Generations: []generation{{ID: resp.ID, Text: text, FinishReason: reason}}})
	}
	r := chatResponse{ResponseID: resp.ID, Text: text, GenerationID: resp.ID, FinishReason: reason, Meta: &meta{}}
	r.Meta.BilledUnits.InputTokens, r.Meta.BilledUnits.OutputTokens = resp.Usage.InputTokens, resp.Usage.OutputTokens
	return prompt.JSON(r)
}

// DecodeResponse reads Cohere's InvokeModel answer of either form.
func (Codec) DecodeResponse(body []byte) (*rockstream.Response, error) {
	var probe struct {
		legacyResponse
		chatResponse
	}
	if err := json.Unmarshal(body, &probe.legacyResponse); err != nil {
		return nil, prompt.Decoded(name, err)
	}
	_ = json.Unmarshal(body, &probe.chatResponse)
	resp := &rockstream.Response{}
	var text, reason string
	switch {
	case len(probe.Generations) > 0:
		g := probe.Generations[0]
		resp.ID, text, reason = probe.legacyResponse.ID, g.Text, g.FinishReason
	case probe.chatResponse.FinishReason != "":
		r := probe.chatResponse
		resp.ID, text, reason = r.GenerationID, r.Text, r.FinishReason
		if r.Meta != nil {
			resp.Usage = rockstream.Usage{InputTokens: r.Meta.BilledUnits.InputTokens, OutputTokens: r.Meta.BilledUnits.OutputTokens}
		}
	default:
		return nil, prompt.Decoded(name, errNoResponse)
	}
	stop, ok := stopReason(reason)
	if !ok {
		return nil, modelError()
	}
	resp.StopReason = stop
	resp.Message = rockstream.Message{Role: rockstream.RoleAssistant, Content: []rockstream.Block{{Type: rockstream.BlockText, Text: text}}}
	return resp, nil
}
