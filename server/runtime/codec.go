package runtime

import (
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/family"
)

// familyCodec picks the codec for a model and the form of its body (the
// Mistral and Cohere families have a prompt form and a chat form). A model
// no codec speaks gets Bedrock's answer for an unknown identifier.
func familyCodec(modelID string, body []byte) (dialect.Codec, error) {
	c, err := family.ForRequest(modelID, body)
	if err != nil {
		return nil, invalidModel()
	}
	return c, nil
}
