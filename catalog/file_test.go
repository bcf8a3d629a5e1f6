package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFileDefaults(t *testing.T) {
	t.Parallel()
	f, err := ParseFile([]byte(`{"providerFamilies":{"zai":"glm"},"models":[
		{"id":"zai.glm-5"},
		{"id":"openai.gpt-oss-240b-1:0","streaming":false,"onDemand":false,"geographies":["us","global"],"maxOutputTokens":4096,"capabilities":["tools"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Model{ID: "zai.glm-5", Name: "zai.glm-5", Provider: "zai", Family: "glm", Streaming: true, OnDemand: true,
		Lifecycle: Active, InputModalities: []string{Text}, OutputModalities: []string{Text}}
	if !reflect.DeepEqual(f.Models[0], want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", f.Models[0], want)
	}
	m := f.Models[1]
	if m.Streaming || m.OnDemand || m.Family != "" || m.MaxOutputTokens != 4096 || !m.Supports(Tools) || m.Supports(Thinking) {
		t.Errorf("explicit fields: %+v", m)
	}
	// The family a file leaves out comes from the catalog it joins.
	if got, _ := Embedded().With(f).Lookup("openai.gpt-oss-240b-1:0"); got.Family != "gptoss" {
		t.Errorf("joined family = %q, want gptoss", got.Family)
	}
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, json, want string }{
		{"not json", `{`, "unexpected EOF"},
		{"unknown field", `{"models":[{"id":"a.b","contextWindw":5}]}`, "contextWindw"},
		{"two values", `{"models":[]} {}`, "more than one"},
		{"bad id", `{"models":[{"id":"nodot"}]}`, "provider.model"},
		{"profile id", `{"models":[{"id":"us.anthropic.claude-x-v1:0"}]}`, "not a foundation-model ID"},
		{"arn", `{"models":[{"id":"arn:aws:bedrock:us-east-1::foundation-model/a.b"}]}`, "not a foundation-model ID"},
		{"duplicate", `{"models":[{"id":"a.b"},{"id":"a.b"}]}`, "listed twice"},
		{"lifecycle", `{"models":[{"id":"a.b","lifecycle":"GONE"}]}`, "lifecycle"},
		{"geography", `{"models":[{"id":"a.b","geographies":["mars"]}]}`, "geography"},
		{"modality", `{"models":[{"id":"a.b","input":["SMELL"]}]}`, "modality"},
		{"capability", `{"models":[{"id":"a.b","capabilities":["telepathy"]}]}`, "capability"},
		{"negative", `{"models":[{"id":"a.b","maxOutputTokens":-1}]}`, "negative"},
		{"family", `{"models":[{"id":"a.b","family":"Big Family"}]}`, "family"},
		{"provider families", `{"providerFamilies":{"A":"b"},"models":[]}`, "providerFamilies"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseFile(%s) = %v; want an error containing %q", tt.json, err, tt.want)
			}
		})
	}
}

// TestEncodeRoundTrip writes the embedded list and reads it back whole.
func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	in := &File{AsOf: Embedded().AsOf(), ProviderFamilies: Embedded().families, Models: Embedded().Models()}
	var buf bytes.Buffer
	if err := in.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	out, err := ParseFile(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip differs:\n in %+v\nout %+v", in.Models[:2], out.Models[:2])
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "models.json")
	if err := os.WriteFile(path, []byte(`{"models":[{"id":"qwen.qwen9-1t-v1:0","maxOutputTokens":1000}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil || len(f.Models) != 1 {
		t.Fatalf("Load = %+v, %v", f, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"models":[{"id":"x"}]}`), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load(bad) = %v; want an error naming the file", err)
	}
}

func TestWithOverridesAndExtends(t *testing.T) {
	t.Parallel()
	f, err := ParseFile([]byte(`{"asOf":"2027-03-01","providerFamilies":{"acme":"acme"},"models":[
		{"id":"anthropic.claude-3-haiku-20240307-v1:0","name":"Renamed Haiku","lifecycle":"EOL"},
		{"id":"acme.rocket-1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	base := Embedded()
	c := base.With(f)
	if c.AsOf() != "2027-03-01" || len(c.Models()) != len(base.Models())+1 {
		t.Fatalf("With: asOf %q, %d models (base %d)", c.AsOf(), len(c.Models()), len(base.Models()))
	}
	if m, _ := c.Lookup("anthropic.claude-3-haiku-20240307-v1:0"); m.Name != "Renamed Haiku" || m.Lifecycle != EOL {
		t.Errorf("override not applied: %+v", m)
	}
	if _, err := c.Resolve("anthropic.claude-3-haiku-20240307-v1:0"); err == nil {
		t.Error("an overridden EOL model still resolves")
	}
	if m, err := c.Resolve("acme.rocket-1"); err != nil || m.Fallback || m.Family != "acme" {
		t.Errorf("Resolve(acme.rocket-1) = %+v, %v", m, err)
	}
	// The base is untouched.
	if m, _ := base.Lookup("anthropic.claude-3-haiku-20240307-v1:0"); m.Name != "Claude 3 Haiku" {
		t.Errorf("With changed its receiver: %+v", m)
	}
	if _, ok := base.Lookup("acme.rocket-1"); ok {
		t.Error("With added to its receiver")
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add(embeddedJSON)
	f.Add([]byte(`{"models":[{"id":"a.b"}]}`))
	f.Add([]byte(`{"providerFamilies":{"a":"b"},"models":[{"id":"a.b-v1:0","geographies":["us"],"onDemand":false}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseFile(data)
		if err != nil {
			return
		}
		c := Embedded().With(file)
		for _, m := range file.Models {
			got, ok := c.Lookup(m.ID)
			if !ok || got.ID != m.ID || got.Family == "" {
				t.Fatalf("model %q parsed but the joined catalog has %+v, %v", m.ID, got, ok)
			}
			var buf bytes.Buffer
			if err := file.Encode(&buf); err != nil {
				t.Fatal(err)
			}
			if _, err := ParseFile(buf.Bytes()); err != nil {
				t.Fatalf("re-reading the encoded file: %v", err)
			}
		}
	})
}
