package builtin

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

// target names the builtin model in refusals.
const target = "the builtin local model"

// harmless are the features the builtin model accepts: those it honours
// (cache points, latency and tier echoed, documents and guard content
// read as input, response field paths answered) and those an answer is
// the same without (request metadata, beta flags).
var harmless = []rockstream.Feature{rockstream.FeatureCachePoint, rockstream.FeatureMetadata,
	rockstream.FeatureLatency, rockstream.FeatureServiceTier, rockstream.FeatureAnthropicBeta,
	rockstream.FeatureExtraFields, rockstream.FeatureDocument, rockstream.FeatureGuardContent,
	rockstream.FeatureResponseFieldPaths}

// harmlessExtra are the native fields an answer does not depend on, as
// Anthropic SDKs send them (metadata.user_id, service_tier).
var harmlessExtra = map[string]bool{"metadata": true, "service_tier": true}

// honoured are the features the builtin model acts on itself: guardrails,
// from the rule file's definitions (guardrail_stream.go).
var honoured = []rockstream.Feature{rockstream.FeatureGuardrail}

// checkCarried refuses what the builtin model would otherwise ignore
// silently, naming it.
func checkCarried(req *rockstream.Request) error {
	if err := req.CheckFeatures(target, append(honoured, harmless...)...); err != nil {
		return err
	}
	for k := range req.ExtraFields {
		if !harmlessExtra[k] {
			return rockstream.RefuseWhat(target, rockstream.FeatureExtraFields,
				fmt.Sprintf("the additional model request field %s (additionalModelRequestFields)", jsonKey(k)))
		}
	}
	return nil
}

func jsonKey(k string) string {
	b, _ := json.Marshal(k)
	return string(b)
}
