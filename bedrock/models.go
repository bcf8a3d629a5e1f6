package bedrock

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	bedrockcp "github.com/aws/aws-sdk-go-v2/service/bedrock"
	cptypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"github.com/rockstream/rockstream"
)

// Model is a model or inference profile the region offers.
type Model struct {
	// ID is what Request.Model takes: a foundation-model ID or an
	// inference-profile ID.
	ID       string
	Name     string
	Provider string
	// Profile is set for inference profiles; BaseModels then lists the
	// foundation-model IDs the profile routes to.
	Profile    bool
	BaseModels []string
	// Streaming reports whether the model (for a profile: its models)
	// supports InvokeModelWithResponseStream and ConverseStream.
	Streaming bool
	// OnDemand reports whether the model can be invoked by its own ID;
	// models without it need an inference profile or provisioned
	// throughput.
	OnDemand bool
	// Lifecycle is "ACTIVE" or "LEGACY" (being retired).
	Lifecycle        string
	InputModalities  []string
	OutputModalities []string
}

// ListModels lists the region's foundation models and inference profiles
// in one list, foundation models first, each group sorted by ID. An
// endpoint that does not serve inference profiles (rockstream's local
// runtime may not) contributes none.
func (c *Client) ListModels(ctx context.Context) ([]Model, error) {
	fm, err := c.control.ListFoundationModels(ctx, &bedrockcp.ListFoundationModelsInput{})
	if err != nil {
		return nil, classify(ctx, err, false)
	}
	var models []Model
	streams := map[string]bool{} // foundation-model ARN and ID → streams
	for _, s := range fm.ModelSummaries {
		m := Model{
			ID:               aws.ToString(s.ModelId),
			Name:             aws.ToString(s.ModelName),
			Provider:         aws.ToString(s.ProviderName),
			Streaming:        aws.ToBool(s.ResponseStreamingSupported),
			OnDemand:         slices.Contains(s.InferenceTypesSupported, cptypes.InferenceTypeOnDemand),
			InputModalities:  modalities(s.InputModalities),
			OutputModalities: modalities(s.OutputModalities),
		}
		if s.ModelLifecycle != nil {
			m.Lifecycle = string(s.ModelLifecycle.Status)
		}
		streams[m.ID] = m.Streaming
		streams[aws.ToString(s.ModelArn)] = m.Streaming
		models = append(models, m)
	}
	slices.SortFunc(models, func(a, b Model) int { return strings.Compare(a.ID, b.ID) })
	profiles, err := c.listProfiles(ctx, streams)
	if err != nil {
		return nil, err
	}
	return append(models, profiles...), nil
}

func (c *Client) listProfiles(ctx context.Context, streams map[string]bool) ([]Model, error) {
	var profiles []Model
	pages := bedrockcp.NewListInferenceProfilesPaginator(c.control, &bedrockcp.ListInferenceProfilesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			e := classify(ctx, err, false)
			if e.Class == rockstream.ClassNotFound && len(profiles) == 0 {
				c.log.LogAttrs(ctx, slog.LevelDebug, "bedrock: endpoint lists no inference profiles", slog.String("error", e.Error()))
				return nil, nil
			}
			return nil, e
		}
		for _, s := range page.InferenceProfileSummaries {
			m := Model{
				ID:        aws.ToString(s.InferenceProfileId),
				Name:      aws.ToString(s.InferenceProfileName),
				Profile:   true,
				OnDemand:  true,
				Lifecycle: string(s.Status),
			}
			for _, pm := range s.Models {
				arn := aws.ToString(pm.ModelArn)
				id := arn[strings.LastIndex(arn, "/")+1:]
				if !slices.Contains(m.BaseModels, id) {
					m.BaseModels = append(m.BaseModels, id)
				}
				m.Streaming = m.Streaming || streams[arn] || streams[id]
			}
			if len(m.BaseModels) > 0 {
				m.Provider = strings.SplitN(m.BaseModels[0], ".", 2)[0]
			}
			profiles = append(profiles, m)
		}
	}
	slices.SortFunc(profiles, func(a, b Model) int { return strings.Compare(a.ID, b.ID) })
	return profiles, nil
}

func modalities(ms []cptypes.ModelModality) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}
