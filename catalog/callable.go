package catalog

import "slices"

// Callable returns the model IDs a caller in region can stream from as
// they are, for model pickers (the gateway's GET /v1/models, the web page):
// DefaultModel first, then every streaming model that has not reached its
// end of life, by its own ID when it runs on demand and by the region's
// inference profile when it needs one. A model that needs a profile the
// region lacks is left out.
func (c *Catalog) Callable(region string) []string {
	ids := []string{DefaultModel}
	for _, m := range c.models {
		if !m.Streaming || m.Lifecycle == EOL {
			continue
		}
		id := m.ID
		if !m.OnDemand {
			p, ok := c.ProfileFor(m.ID, region)
			if !ok {
				continue
			}
			id = p.ID
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
