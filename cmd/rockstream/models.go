package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rockstream/rockstream/bedrock"
	"github.com/rockstream/rockstream/catalog"
)

const modelsUsage = `rockstream models [flags]
rockstream models --sync FILE [--region R] [--profile P] [--endpoint-url URL]`

const modelsAbout = `Lists the region's foundation models and inference profiles (the local
runtime's catalog when no AWS credentials are configured), marking which can
stream and which need an inference profile instead of their own ID.

--sync FILE writes the account's own list instead (ListFoundationModels and
ListInferenceProfiles: its text models, the geographies of the profiles that
carry them, limits and capabilities where rockstream's list knows the model),
in the format serve --models and ROCKSTREAM_MODELS read.`

// runModels prints the model list as a table, or NDJSON with --json.
func runModels(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	var cf connectFlags
	cf.register(fs, false)
	asJSON := fs.Bool("json", false, "print one JSON object per model and line (NDJSON)")
	syncFile := fs.String("sync", "", "write the account's model list to `file`, for serve --models")
	positional, code, done := c.parseFlags(fs, args, func() string { return helpText(fs, modelsUsage, modelsAbout) })
	if done {
		return code
	}
	if len(positional) > 0 {
		return c.usage("models", usageErrorf("models takes no arguments, not %q", positional[0]))
	}
	if err := cf.check(); err != nil {
		return c.usage("models", err)
	}
	conn, err := c.connect(ctx, cf, "invoke", nil)
	if err != nil {
		return c.fail("models", err)
	}
	defer conn.close()
	callCtx, cancel := conn.bounded(ctx)
	defer cancel()
	models, err := conn.client.ListModels(callCtx)
	err = conn.explain(callCtx, err)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		return c.fail("models", err)
	}
	if *syncFile != "" {
		f := syncedFile(models, time.Now())
		if err := writeFileAtomic(*syncFile, f); err != nil {
			return c.fail("models", err)
		}
		fmt.Fprintf(c.stderr, "rockstream: wrote %d models to %s; serve --models %[2]s serves them.\n", len(f.Models), *syncFile)
		return exitOK
	}
	if *asJSON {
		err = writeModelsJSON(c.stdout, models)
	} else {
		err = writeModelsTable(c.stdout, models)
	}
	if err != nil {
		return c.fail("models", err)
	}
	return exitOK
}

// writeModelsTable prints one model or profile per row.
func writeModelsTable(w io.Writer, models []bedrock.Model) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTREAMS\tON-DEMAND\tLIFECYCLE\tPROVIDER\tNAME")
	for _, m := range models {
		kind := "model"
		if m.Profile {
			kind = "profile"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, kind, yesNo(m.Streaming), yesNo(m.OnDemand || m.Profile),
			orDash(m.Lifecycle), orDash(m.Provider), orDash(m.Name))
	}
	return tw.Flush()
}

// modelJSON is one --json line of models.
type modelJSON struct {
	ID               string   `json:"id"`
	Kind             string   `json:"kind"`
	Name             string   `json:"name,omitempty"`
	Provider         string   `json:"provider,omitempty"`
	Streaming        bool     `json:"streaming"`
	OnDemand         bool     `json:"on_demand"`
	Lifecycle        string   `json:"lifecycle,omitempty"`
	BaseModels       []string `json:"base_models,omitempty"`
	InputModalities  []string `json:"input_modalities,omitempty"`
	OutputModalities []string `json:"output_modalities,omitempty"`
}

func writeModelsJSON(w io.Writer, models []bedrock.Model) error {
	enc := json.NewEncoder(w)
	for _, m := range models {
		kind := "model"
		if m.Profile {
			kind = "profile"
		}
		err := enc.Encode(modelJSON{
			ID: m.ID, Kind: kind, Name: m.Name, Provider: m.Provider, Streaming: m.Streaming,
			OnDemand: m.OnDemand, Lifecycle: m.Lifecycle, BaseModels: m.BaseModels,
			InputModalities: m.InputModalities, OutputModalities: m.OutputModalities,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "-"
	}
	return s
}

// syncedFile is the model list of models (as ListModels returns them:
// foundation models and profiles) in the format of serve --models.
func syncedFile(models []bedrock.Model, now time.Time) *catalog.File {
	var found []catalog.AccountModel
	var profiles []catalog.AccountProfile
	for _, m := range models {
		if m.Profile {
			profiles = append(profiles, catalog.AccountProfile{ID: m.ID, Models: m.BaseModels})
			continue
		}
		found = append(found, catalog.AccountModel{
			ID: m.ID, Name: m.Name, Provider: m.Provider, Streaming: m.Streaming, OnDemand: m.OnDemand,
			Lifecycle: m.Lifecycle, Input: m.InputModalities, Output: m.OutputModalities,
		})
	}
	return catalog.FromAccount(now.UTC().Format(time.DateOnly), found, profiles)
}

// writeFileAtomic writes f to path through a temporary file in the same
// directory, so a reader never sees half a list.
func writeFileAtomic(path string, f *catalog.File) error {
	var buf bytes.Buffer
	if err := f.Encode(&buf); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".models-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// installCatalog makes the model list of path (over the built-in one) and
// strictness the one the server and the local runtime serve, and returns
// what puts the previous one back. With neither it changes nothing.
func installCatalog(path string, strict bool) (restore func(), err error) {
	if path == "" && !strict {
		return func() {}, nil
	}
	cat := catalog.Embedded()
	if path != "" {
		f, err := catalog.Load(path)
		if err != nil {
			return nil, err
		}
		cat = cat.With(f)
	}
	if strict {
		cat = cat.Strict()
	}
	return catalog.Install(cat), nil
}
