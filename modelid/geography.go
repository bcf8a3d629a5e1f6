package modelid

import "strings"

// Geography is a set of regions that system-defined cross-region inference
// profiles route within; its prefix starts the profiles' IDs.
type Geography struct {
	Prefix string // "us", as in "us.anthropic.claude-…"
	Name   string // "US", as profile names start
	// Sources are the regions whose callers are offered the geography's
	// profiles: a name ending in "-" is a prefix ("eu-"), others are
	// whole region names.
	Sources []string
	// Destinations are regions the profiles route to, as the local
	// runtime reports them; the global geography's are every commercial
	// region, written as one empty region.
	Destinations []string
}

// Global is the geography whose profiles route to every commercial region.
const Global = "global"

// geographies is the one list of profile geographies, broad ones before
// the narrower ones inside them; AWS adds to it from time to time.
// Canada's regions are sources of the US profiles (AWS routes them to US
// regions); "ca" is parsed because other tools write it, but no region
// maps to it.
var geographies = []Geography{
	{Prefix: "us", Name: "US", Sources: []string{"us-east-", "us-west-", "ca-"},
		Destinations: []string{"us-east-1", "us-east-2", "us-west-2"}},
	{Prefix: "us-gov", Name: "US-GOV", Sources: []string{"us-gov-"},
		Destinations: []string{"us-gov-east-1", "us-gov-west-1"}},
	{Prefix: "eu", Name: "EU", Sources: []string{"eu-"},
		Destinations: []string{"eu-central-1", "eu-west-1", "eu-west-3"}},
	{Prefix: "apac", Name: "APAC", Sources: []string{"ap-"},
		Destinations: []string{"ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"}},
	{Prefix: "jp", Name: "JP", Sources: []string{"ap-northeast-1", "ap-northeast-3"},
		Destinations: []string{"ap-northeast-1", "ap-northeast-3"}},
	{Prefix: "au", Name: "AU", Sources: []string{"ap-southeast-2", "ap-southeast-4"},
		Destinations: []string{"ap-southeast-2", "ap-southeast-4"}},
	{Prefix: "ca", Name: "CA"},
	{Prefix: Global, Name: "Global", Destinations: []string{""}},
}

// notCommercial are region prefixes outside the commercial partition,
// which global profiles do not serve.
var notCommercial = []string{"us-gov-", "cn-", "us-iso", "eusc-"}

// Geographies returns every profile geography, in preference order.
func Geographies() []Geography {
	out := make([]Geography, len(geographies))
	copy(out, geographies)
	return out
}

// GeographyOf returns the geography whose prefix is p.
func GeographyOf(p string) (Geography, bool) {
	for _, g := range geographies {
		if g.Prefix == p {
			return g, true
		}
	}
	return Geography{}, false
}

func isGeography(p string) bool {
	_, ok := GeographyOf(p)
	return ok
}

// RegionGeographies returns the prefixes of the geographies whose profiles
// a caller in region can invoke, in preference order: the region's own
// geographies, then global for commercial regions.
func RegionGeographies(region string) []string {
	var out []string
	for _, g := range geographies {
		for _, src := range g.Sources {
			if src == region || strings.HasSuffix(src, "-") && strings.HasPrefix(region, src) {
				out = append(out, g.Prefix)
				break
			}
		}
	}
	for _, p := range notCommercial {
		if strings.HasPrefix(region, p) {
			return out
		}
	}
	return append(out, Global)
}

// ProfileID is the system-defined profile ID a caller in region would use
// for the foundation model named by model: the region's first geography
// prefix plus the model ID. Anything else (a profile ID, an ARN, an ID that
// does not parse, a region with no geography) comes back unchanged.
func ProfileID(model, region string) string {
	id, err := Parse(model)
	if err != nil || id.Kind != FoundationModel || id.IsARN() {
		return model
	}
	geos := RegionGeographies(region)
	if len(geos) == 0 {
		return model
	}
	return geos[0] + "." + id.Model
}
