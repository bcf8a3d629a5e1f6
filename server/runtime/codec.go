package runtime

import (
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
)

// familyCodec picks the codec for a model from its catalog family.
func familyCodec(modelID string) (dialect.Codec, error) {
	m, ok := catalog.Lookup(modelID)
	if ok && m.Family == "anthropic" {
		return anthropic.Codec{}, nil
	}
	return nil, invalidModel()
}
