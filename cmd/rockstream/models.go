package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rockstream/rockstream/bedrock"
)

const modelsUsage = `rockstream models [flags]`

const modelsAbout = `Lists the region's foundation models and inference profiles (the local
runtime's catalog when no AWS credentials are configured), marking which can
stream and which need an inference profile instead of their own ID.`

// runModels prints the model list as a table, or NDJSON with --json.
func runModels(ctx context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	var cf connectFlags
	cf.register(fs, false)
	asJSON := fs.Bool("json", false, "print one JSON object per model and line (NDJSON)")
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
