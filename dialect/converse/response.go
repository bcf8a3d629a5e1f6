package converse

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
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
	Trace                         *wireTrace       `json:"trace,omitempty"`
}

// wireTrace is Converse's trace: what the guardrail did, when the caller
// asked for it.
type wireTrace struct {
	Guardrail *dialect.ConverseGuardrailTrace `json:"guardrail"`
}

func traceToWire(t *rockstream.GuardrailTrace) *wireTrace {
	g := dialect.NewConverseGuardrailTrace(t)
	if g == nil {
		return nil
	}
	return &wireTrace{Guardrail: g}
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
	w.Trace = traceToWire(resp.Guardrail)
	w.AdditionalModelResponseFields = additionalToWire(resp.AdditionalFields)
	w.PerformanceConfig, w.ServiceTier = servedToWire(resp.Latency, resp.ServiceTier)
	return json.Marshal(w)
}
