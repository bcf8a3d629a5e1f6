package runtime

import (
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/family"
)

// familyCodec picks the codec for a model. A model no codec speaks gets
// Bedrock's answer for an unknown identifier.
func familyCodec(modelID string) (dialect.Codec, error) {
	c, err := family.ForModel(modelID)
	if err != nil {
		return nil, invalidModel()
	}
	return c, nil
}
