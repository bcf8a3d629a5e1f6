package catalog

import (
	"slices"

	"github.com/rockstream/rockstream/modelid"
)

// AccountID is the AWS account the local runtime reports in ARNs of
// inference profiles (the placeholder account of AWS's documentation).
const AccountID = "123456789012"

// Profile is a system-defined cross-region inference profile: an ID that
// routes requests for one model across the regions of a geography.
type Profile struct {
	ID      string // e.g. "us.anthropic.claude-3-5-haiku-20241022-v1:0"
	Name    string // e.g. "US Anthropic Claude 3.5 Haiku"
	ModelID string // the foundation model it carries
	// Region is the source region the profile was listed for; ARN is the
	// profile's ARN there.
	Region string
	ARN    string
	// ModelARNs are the foundation-model ARNs of the destination regions.
	ModelARNs []string
}

// Profiles returns the system-defined inference profiles a caller in
// region can use: those of the region's geographies, then global ones.
func (c *Catalog) Profiles(region string) []Profile {
	var out []Profile
	for _, geo := range modelid.RegionGeographies(region) {
		for _, m := range c.models {
			if m.Lifecycle != EOL && slices.Contains(m.Geographies, geo) {
				out = append(out, profile(geo, m, region))
			}
		}
	}
	return out
}

// ProfileFor returns the profile a caller in region should use for
// modelID (a model ID, profile ID or ARN): the first of the region's
// geographies that carries the model, global last.
func (c *Catalog) ProfileFor(modelID, region string) (Profile, bool) {
	m, ok := c.Lookup(modelID)
	if !ok || m.Lifecycle == EOL {
		return Profile{}, false
	}
	for _, geo := range modelid.RegionGeographies(region) {
		if slices.Contains(m.Geographies, geo) {
			return profile(geo, m, region), true
		}
	}
	return Profile{}, false
}

func profile(geo string, m Model, region string) Profile {
	g, _ := modelid.GeographyOf(geo)
	id := geo + "." + m.ID
	arns := make([]string, len(g.Destinations))
	for i, r := range g.Destinations {
		arns[i] = ModelARN(r, m.ID)
	}
	return Profile{
		ID:        id,
		Name:      g.Name + " " + m.Provider + " " + m.Name,
		ModelID:   m.ID,
		Region:    region,
		ARN:       "arn:aws:bedrock:" + region + ":" + AccountID + ":inference-profile/" + id,
		ModelARNs: arns,
	}
}

// ModelARN is the ARN of foundation model id in region.
func ModelARN(region, id string) string {
	return "arn:aws:bedrock:" + region + "::foundation-model/" + id
}
