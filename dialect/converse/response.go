package converse

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

type wireResponse struct {
	Output struct {
		Message wireMessage `json:"message"`
	} `json:"output"`
	StopReason                    string           `json:"stopReason"`
	Usage                         wireUsage        `json:"usage"`
	Metrics                       wireMetrics      `json:"metrics"`
	AdditionalModelResponseFields json.RawMessage  `json:"additionalModelResponseFields,omitempty"`
	PerformanceConfig             *wirePerformance `json:"performanceConfig,omitempty"`
	ServiceTier                   *wireServiceTier `json:"serviceTier,omitempty"`
}

// EncodeResponse builds the Converse (non-streaming) response body.
func EncodeResponse(resp *rockstream.Response) ([]byte, error) {
	content, err := blocksToWire(resp.Message.Content)
	if err != nil {
		return nil, fmt.Errorf("converse: %w", err)
	}
	var w wireResponse
	w.Output.Message = wireMessage{Role: "assistant", Content: content}
	w.StopReason = string(resp.StopReason)
	if w.StopReason == "" {
		w.StopReason = string(rockstream.StopEndTurn)
	}
	w.Usage = usageToWire(resp.Usage)
	w.Metrics.LatencyMs = resp.Metrics.InvocationLatency.Milliseconds()
	w.AdditionalModelResponseFields = additionalToWire(resp.AdditionalFields)
	w.PerformanceConfig, w.ServiceTier = servedToWire(resp.Latency, resp.ServiceTier)
	return json.Marshal(w)
}
