package catalog

import (
	"slices"
	"strings"
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

// geographies maps a profile ID prefix to its display name and the
// destination regions its requests may be routed to. Global profiles route
// anywhere: their model ARN has no region.
var geographies = map[string]struct {
	name    string
	regions []string
}{
	"us":     {"US", []string{"us-east-1", "us-east-2", "us-west-2"}},
	"eu":     {"EU", []string{"eu-central-1", "eu-west-1", "eu-west-3"}},
	"apac":   {"APAC", []string{"ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"}},
	"global": {"Global", []string{""}},
}

// geographyOf is the profile geography whose profiles a region lists.
func geographyOf(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return ""
	case strings.HasPrefix(region, "us-"):
		return "us"
	case strings.HasPrefix(region, "eu-"):
		return "eu"
	case strings.HasPrefix(region, "ap-"):
		return "apac"
	}
	return ""
}

// Profiles returns the system-defined inference profiles a caller in
// region can use: those of the region's geography, then global ones.
func Profiles(region string) []Profile {
	var out []Profile
	for _, geo := range []string{geographyOf(region), "global"} {
		if geo == "" {
			continue
		}
		for _, m := range models {
			if m.Lifecycle != EOL && slices.Contains(m.Geographies, geo) {
				out = append(out, profile(geo, m, region))
			}
		}
	}
	return out
}

// ProfileFor returns the profile a caller in region should use for
// modelID (a model ID, profile ID or ARN): the region's geography if it
// carries the model, otherwise the global profile.
func ProfileFor(modelID, region string) (Profile, bool) {
	m, ok := Lookup(modelID)
	if !ok || m.Lifecycle == EOL {
		return Profile{}, false
	}
	for _, geo := range []string{geographyOf(region), "global"} {
		if geo != "" && slices.Contains(m.Geographies, geo) {
			return profile(geo, m, region), true
		}
	}
	return Profile{}, false
}

func profile(geo string, m Model, region string) Profile {
	g := geographies[geo]
	id := geo + "." + m.ID
	arns := make([]string, len(g.regions))
	for i, r := range g.regions {
		arns[i] = ModelARN(r, m.ID)
	}
	return Profile{
		ID:        id,
		Name:      g.name + " " + m.Provider + " " + m.Name,
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

type arnKind int

const (
	arnNone arnKind = iota
	arnFoundationModel
	arnInferenceProfile
	arnOther // application profiles, provisioned and custom models
)

// stripARN returns the resource ID inside an ARN and what kind it is.
func stripARN(id string) (string, arnKind) {
	if !strings.HasPrefix(id, "arn:") {
		return id, arnNone
	}
	// arn:partition:service:region:account:resource-type/resource-id
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[2] != "bedrock" {
		return "", arnOther
	}
	typ, rest, ok := strings.Cut(parts[5], "/")
	if !ok {
		return "", arnOther
	}
	switch typ {
	case "foundation-model":
		return rest, arnFoundationModel
	case "inference-profile":
		return rest, arnInferenceProfile
	}
	return "", arnOther
}

// cutGeography splits a system-defined profile ID into its geography
// prefix and the model ID.
func cutGeography(id string) (geo, model string, ok bool) {
	geo, model, ok = strings.Cut(id, ".")
	if !ok {
		return "", "", false
	}
	if _, known := geographies[geo]; !known {
		return "", "", false
	}
	return geo, model, true
}
