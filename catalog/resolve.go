package catalog

import "github.com/rockstream/rockstream"

// Bedrock's messages for identifiers it will not run.
const (
	msgInvalidModel = "The provided model identifier is invalid."
	msgEndOfLife    = "This model version has reached the end of its life. Please refer to the AWS documentation for more details."
)

// Resolve decides, as Bedrock Runtime does before running anything,
// whether modelID may be invoked. It fails with a *rockstream.Error:
// ValidationException for an unknown identifier or for a profile-only
// model invoked by its bare ID (or foundation-model ARN), and
// ResourceNotFoundException for a model past its end of life. A model the
// list has never seen, of a known provider, resolves to a Model with
// Fallback set unless c is strict (see Fallback).
func (c *Catalog) Resolve(modelID string) (Model, error) {
	m, viaProfile, ok := c.lookup(modelID)
	if !ok {
		if fb, ok := c.Fallback(modelID); ok && !c.strict {
			return fb, nil
		}
		return Model{}, rockstream.BedrockError("ValidationException", msgInvalidModel)
	}
	if m.Lifecycle == EOL {
		return Model{}, rockstream.BedrockError("ResourceNotFoundException", msgEndOfLife)
	}
	if !viaProfile && !m.OnDemand {
		return Model{}, rockstream.BedrockError("ValidationException",
			"Invocation of model ID "+m.ID+" with on-demand throughput isn't supported. "+
				"Retry your request with the ID or ARN of an inference profile that contains this model.")
	}
	return m, nil
}
