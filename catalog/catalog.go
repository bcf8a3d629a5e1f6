package catalog

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/rockstream/rockstream/modelid"
)

// Catalog is one model list with its provider → family defaults. A
// Catalog is immutable; With and Strict return new ones.
type Catalog struct {
	models   []Model
	byID     map[string]int
	families map[string]string // provider prefix → family
	strict   bool
	asOf     string
}

//go:embed models.json
var embeddedJSON []byte

// embedded is the list that ships inside rockstream; it parsed when the
// package was built, so a failure here is a bug in models.json.
var embedded = func() *Catalog {
	f, err := ParseFile(embeddedJSON)
	if err != nil {
		panic(fmt.Sprintf("catalog: embedded models.json: %v", err))
	}
	return newCatalog(f.Models, f.ProviderFamilies, f.AsOf)
}()

var current atomic.Pointer[Catalog]

// Embedded returns the catalog that ships inside rockstream.
func Embedded() *Catalog { return embedded }

// Current returns the catalog the package-level functions use: the
// embedded one unless Install replaced it.
func Current() *Catalog {
	if c := current.Load(); c != nil {
		return c
	}
	return embedded
}

// Install makes c the catalog of the package-level functions (the local
// runtime's builtin backend, metrics, the gateway's model list) and
// returns a function that puts back the one it replaced. A server calls
// it once at start, before serving.
func Install(c *Catalog) (restore func()) {
	prev := current.Swap(c)
	return func() { current.Store(prev) }
}

func newCatalog(models []Model, families map[string]string, asOf string) *Catalog {
	c := &Catalog{models: models, byID: make(map[string]int, len(models)), families: families, asOf: asOf}
	for i, m := range models {
		if m.Family == "" {
			id, _ := modelid.Parse(m.ID)
			if m.Family = families[id.Provider]; m.Family == "" {
				m.Family = id.Provider
			}
			models[i] = m
		}
		c.byID[m.ID] = i
	}
	return c
}

// With returns c overridden and extended by f: a model of f whose ID c
// lists replaces it in place, other models of f follow c's, and f's
// provider families add to and override c's.
func (c *Catalog) With(f *File) *Catalog {
	models := slices.Clone(c.models)
	seen := maps.Clone(c.byID)
	for _, m := range f.Models {
		if i, ok := seen[m.ID]; ok {
			models[i] = m
			continue
		}
		seen[m.ID] = len(models)
		models = append(models, m)
	}
	families := maps.Clone(c.families)
	maps.Copy(families, f.ProviderFamilies)
	asOf := c.asOf
	if f.AsOf != "" {
		asOf = f.AsOf
	}
	out := newCatalog(models, families, asOf)
	out.strict = c.strict
	return out
}

// Strict returns c refusing, as Bedrock does, every model its list has
// never seen.
func (c *Catalog) Strict() *Catalog {
	out := *c
	out.strict = true
	return &out
}

// IsStrict reports whether c refuses models its list has never seen.
func (c *Catalog) IsStrict() bool { return c.strict }

// AsOf is the date the list was last brought up to date, as its file
// says.
func (c *Catalog) AsOf() string { return c.asOf }

// Models returns every model in c, end-of-life ones included. The slices
// inside are shared: do not modify them.
func (c *Catalog) Models() []Model { return slices.Clone(c.models) }

// Lookup finds the model behind a model ID, a system-defined
// inference-profile ID or an ARN of either. A profile ID must name a
// profile that exists for the model.
func (c *Catalog) Lookup(modelID string) (Model, bool) {
	m, _, ok := c.lookup(modelID)
	return m, ok
}

// lookup is Lookup that also says whether the identifier named an
// inference profile rather than the bare model.
func (c *Catalog) lookup(s string) (m Model, viaProfile bool, ok bool) {
	id, err := modelid.Parse(s)
	if err != nil {
		return Model{}, false, false
	}
	i, found := c.byID[id.Model]
	switch {
	case !found:
		return Model{}, false, false
	case id.Kind == modelid.FoundationModel:
		return c.models[i], false, true
	case id.Kind == modelid.InferenceProfile && slices.Contains(c.models[i].Geographies, id.Geography):
		return c.models[i], true, true
	}
	return Model{}, false, false
}
