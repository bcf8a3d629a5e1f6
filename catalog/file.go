package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/rockstream/rockstream/modelid"
)

// File is a model list as models.json and the files of serve --models
// hold it:
//
//	{"asOf": "2026-12-01",
//	 "providerFamilies": {"openai": "gptoss"},
//	 "models": [{"id": "openai.gpt-oss-120b-1:0", "name": "gpt-oss-120b", …}]}
//
// In a model, only "id" is required: "provider" defaults to the ID's
// provider prefix, "name" to the ID, "family" to the provider's family,
// "streaming" and "onDemand" to true, "lifecycle" to ACTIVE, "input" and
// "output" to ["TEXT"]. A model whose family neither it nor the file's
// providerFamilies name gets the family of the catalog it joins (Catalog.With),
// else its provider's name.
type File struct {
	AsOf             string
	ProviderFamilies map[string]string
	Models           []Model
}

// fileJSON and modelJSON are File and Model as JSON spells them.
type fileJSON struct {
	AsOf             string            `json:"asOf,omitempty"`
	ProviderFamilies map[string]string `json:"providerFamilies,omitempty"`
	Models           []modelJSON       `json:"models"`
}

type modelJSON struct {
	ID              string       `json:"id"`
	Name            string       `json:"name,omitempty"`
	Provider        string       `json:"provider,omitempty"`
	Family          string       `json:"family,omitempty"`
	Streaming       *bool        `json:"streaming,omitempty"`
	OnDemand        *bool        `json:"onDemand,omitempty"`
	Lifecycle       Lifecycle    `json:"lifecycle,omitempty"`
	Input           []string     `json:"input,omitempty"`
	Output          []string     `json:"output,omitempty"`
	Geographies     []string     `json:"geographies,omitempty"`
	ContextWindow   int          `json:"contextWindow,omitempty"`
	MaxOutputTokens int          `json:"maxOutputTokens,omitempty"`
	Capabilities    []Capability `json:"capabilities,omitempty"`
	Note            string       `json:"note,omitempty"`
}

// maxFileBytes bounds a models file; today's list is a few tens of KB.
const maxFileBytes = 8 << 20

var knownModalities = []string{Text, Image, Video, Speech, "EMBEDDING"}

// ParseFile reads a model list. Every problem is reported with the model
// it is in: unknown fields, IDs that are not foundation-model IDs,
// duplicates, unknown lifecycles, geographies, modalities or capabilities,
// negative limits.
func ParseFile(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var fj fileJSON
	if err := dec.Decode(&fj); err != nil {
		return nil, fmt.Errorf("catalog: models file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("catalog: models file: more than one JSON value")
	}
	f := &File{AsOf: fj.AsOf, ProviderFamilies: map[string]string{}}
	for p, fam := range fj.ProviderFamilies {
		if !isName(p) || !isName(fam) {
			return nil, fmt.Errorf("catalog: models file: providerFamilies %q: %q: provider and family are lower-case names", p, fam)
		}
		f.ProviderFamilies[p] = fam
	}
	seen := map[string]bool{}
	for i, mj := range fj.Models {
		m, err := mj.model(f.ProviderFamilies)
		if err != nil {
			return nil, fmt.Errorf("catalog: models file: model %d (%q): %w", i, mj.ID, err)
		}
		if seen[m.ID] {
			return nil, fmt.Errorf("catalog: models file: model %d: %s is listed twice", i, m.ID)
		}
		seen[m.ID] = true
		f.Models = append(f.Models, m)
	}
	return f, nil
}

// Load reads the models file at path.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("catalog: %s is larger than %d bytes", path, maxFileBytes)
	}
	f, err := ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func (mj modelJSON) model(families map[string]string) (Model, error) {
	id, err := modelid.Parse(mj.ID)
	if err != nil {
		return Model{}, err
	}
	if id.Kind != modelid.FoundationModel || id.IsARN() {
		return Model{}, errors.New("not a foundation-model ID (no profile prefix, no ARN)")
	}
	m := Model{
		ID: mj.ID, Name: mj.Name, Provider: mj.Provider, Family: mj.Family,
		Streaming: true, OnDemand: true, Lifecycle: mj.Lifecycle,
		InputModalities: mj.Input, OutputModalities: mj.Output, Geographies: mj.Geographies,
		ContextWindow: mj.ContextWindow, MaxOutputTokens: mj.MaxOutputTokens,
		Capabilities: mj.Capabilities, Note: mj.Note,
	}
	if mj.Streaming != nil {
		m.Streaming = *mj.Streaming
	}
	if mj.OnDemand != nil {
		m.OnDemand = *mj.OnDemand
	}
	if m.Name == "" {
		m.Name = m.ID
	}
	if m.Provider == "" {
		m.Provider = id.Provider
	}
	if m.Family == "" {
		m.Family = families[id.Provider]
	}
	if m.Lifecycle == "" {
		m.Lifecycle = Active
	}
	if len(m.InputModalities) == 0 {
		m.InputModalities = []string{Text}
	}
	if len(m.OutputModalities) == 0 {
		m.OutputModalities = []string{Text}
	}
	switch {
	case m.Family != "" && !isName(m.Family):
		return Model{}, fmt.Errorf("family %q is not a lower-case name", m.Family)
	case m.Lifecycle != Active && m.Lifecycle != Legacy && m.Lifecycle != EOL:
		return Model{}, fmt.Errorf("lifecycle %q is not ACTIVE, LEGACY or EOL", m.Lifecycle)
	case m.ContextWindow < 0 || m.MaxOutputTokens < 0:
		return Model{}, errors.New("negative token limit")
	}
	for _, mod := range slices.Concat(m.InputModalities, m.OutputModalities) {
		if !slices.Contains(knownModalities, mod) {
			return Model{}, fmt.Errorf("modality %q is not one of %s", mod, strings.Join(knownModalities, ", "))
		}
	}
	for _, g := range m.Geographies {
		if _, ok := modelid.GeographyOf(g); !ok {
			return Model{}, fmt.Errorf("geography %q is not a profile prefix modelid knows", g)
		}
	}
	for _, c := range m.Capabilities {
		if !slices.Contains(knownCapabilities, c) {
			return Model{}, fmt.Errorf("capability %q is not one of %v", c, knownCapabilities)
		}
	}
	return m, nil
}

// Encode writes f in the format ParseFile reads, one model per line, and
// with every field spelled out so the file documents itself.
func (f *File) Encode(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("{\n")
	if f.AsOf != "" {
		fmt.Fprintf(&b, "  \"asOf\": %s,\n", mustJSON(f.AsOf))
	}
	if len(f.ProviderFamilies) > 0 {
		fmt.Fprintf(&b, "  \"providerFamilies\": %s,\n", mustJSON(f.ProviderFamilies))
	}
	b.WriteString("  \"models\": [")
	for i, m := range f.Models {
		if i > 0 {
			b.WriteString(",")
		}
		streaming, onDemand := m.Streaming, m.OnDemand
		b.WriteString("\n    ")
		b.Write(mustJSON(modelJSON{
			ID: m.ID, Name: m.Name, Provider: m.Provider, Family: m.Family,
			Streaming: &streaming, OnDemand: &onDemand, Lifecycle: m.Lifecycle,
			Input: m.InputModalities, Output: m.OutputModalities, Geographies: m.Geographies,
			ContextWindow: m.ContextWindow, MaxOutputTokens: m.MaxOutputTokens,
			Capabilities: m.Capabilities, Note: m.Note,
		}))
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings, maps of strings and modelJSON reach here
	}
	return data
}

// isName matches [a-z0-9-]+, as provider prefixes and family names are.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
