package catalog

import "github.com/rockstream/rockstream/modelid"

// Fallback returns the model a well-formed identifier names when the list
// has never seen that model: a foundation-model ID, a system-defined
// profile ID or an ARN of either, whose provider modelid or the list's
// provider families know. It is served as its provider's family (the
// list's providerFamilies; the provider's own name when it has none), on
// demand and through any profile, with Fallback set, so a model Bedrock
// added after this list was written still streams. Fallback answers the
// same whether or not c is strict; Resolve is where strictness refuses.
// An identifier of a listed model (through a profile the model lacks,
// say) is no fallback.
func (c *Catalog) Fallback(modelID string) (Model, bool) {
	id, err := modelid.Parse(modelID)
	if err != nil || id.Model == "" || (id.Kind != modelid.FoundationModel && id.Kind != modelid.InferenceProfile) {
		return Model{}, false
	}
	if _, listed := c.byID[id.Model]; listed {
		return Model{}, false
	}
	family, ok := c.families[id.Provider]
	if !ok && !modelid.KnownProvider(id.Provider) {
		return Model{}, false
	}
	if family == "" {
		family = id.Provider
	}
	return Model{
		ID:               id.Model,
		Name:             id.Model,
		Provider:         id.Provider,
		Family:           family,
		Streaming:        true,
		OnDemand:         true,
		Lifecycle:        Active,
		InputModalities:  []string{Text},
		OutputModalities: []string{Text},
		Fallback:         true,
	}, true
}

// ProviderFamily returns the family a provider's unseen models are served
// as, and whether the provider is known.
func (c *Catalog) ProviderFamily(provider string) (string, bool) {
	if f, ok := c.families[provider]; ok {
		return f, true
	}
	if modelid.KnownProvider(provider) {
		return provider, true
	}
	return "", false
}

// Exemplar returns a listed model of family, preferring one that has not
// reached its end of life: an ID that picks the family's codec wherever
// codecs are chosen by model ID.
func (c *Catalog) Exemplar(family string) (string, bool) {
	found := ""
	for _, m := range c.models {
		if m.Family != family {
			continue
		}
		if m.Lifecycle != EOL {
			return m.ID, true
		}
		if found == "" {
			found = m.ID
		}
	}
	return found, found != ""
}
