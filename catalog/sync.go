package catalog

import (
	"slices"

	"github.com/rockstream/rockstream/modelid"
)

// AccountModel is a foundation model as an account's ListFoundationModels
// reports it.
type AccountModel struct {
	ID, Name, Provider string
	Streaming          bool
	OnDemand           bool
	Lifecycle          string // ACTIVE or LEGACY
	Input, Output      []string
}

// AccountProfile is an inference profile as the account's
// ListInferenceProfiles reports it: its ID and the foundation models it
// routes to.
type AccountProfile struct {
	ID     string
	Models []string
}

// FromAccount is the model list of an account, for serve --models: every
// text-generating model it lists, the geographies of the system-defined
// profiles that carry each, and what the account's listings do not say
// (family, limits, capabilities) from the embedded list when it knows the
// model. Families of models it does not know are left for the catalog the
// file joins to fill in.
func FromAccount(asOf string, models []AccountModel, profiles []AccountProfile) *File {
	geos := map[string][]string{}
	for _, p := range profiles {
		id, err := modelid.Parse(p.ID)
		if err != nil || id.Kind != modelid.InferenceProfile {
			continue // application profiles and the like name no geography
		}
		for _, m := range p.Models {
			if !slices.Contains(geos[m], id.Geography) {
				geos[m] = append(geos[m], id.Geography)
			}
		}
	}
	f := &File{AsOf: asOf, ProviderFamilies: map[string]string{}}
	for _, am := range models {
		id, err := modelid.Parse(am.ID)
		if err != nil || id.Kind != modelid.FoundationModel || id.Context != "" || !slices.Contains(am.Output, Text) {
			continue // embeddings, images, provisioned-throughput variants
		}
		m := Model{
			ID: am.ID, Name: am.Name, Provider: am.Provider, Streaming: am.Streaming, OnDemand: am.OnDemand,
			Lifecycle: Active, InputModalities: knownOnly(am.Input), OutputModalities: knownOnly(am.Output),
			Geographies: orderGeographies(geos[am.ID]),
		}
		if am.Lifecycle == string(Legacy) {
			m.Lifecycle = Legacy
		}
		if known, ok := embedded.Lookup(am.ID); ok {
			m.Family, m.ContextWindow, m.MaxOutputTokens = known.Family, known.ContextWindow, known.MaxOutputTokens
			m.Capabilities = known.Capabilities
		}
		if fam, ok := embedded.families[id.Provider]; ok {
			f.ProviderFamilies[id.Provider] = fam
		}
		if m.Name == "" {
			m.Name = m.ID
		}
		if m.Provider == "" {
			m.Provider = id.Provider
		}
		f.Models = append(f.Models, m)
	}
	return f
}

func knownOnly(mods []string) []string {
	var out []string
	for _, m := range mods {
		if slices.Contains(knownModalities, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		out = []string{Text}
	}
	return out
}

// orderGeographies puts geographies in modelid's preference order, so a
// synced file does not change with the order profiles were listed in.
func orderGeographies(gs []string) []string {
	var out []string
	for _, g := range modelid.Geographies() {
		if slices.Contains(gs, g.Prefix) {
			out = append(out, g.Prefix)
		}
	}
	return out
}
