package catalog

import "time"

// The JSON shapes of Bedrock's control plane (service "bedrock", not
// "bedrock-runtime"), named and tagged as in the AWS API model so the
// SDKs' ListFoundationModels, GetFoundationModel and ListInferenceProfiles
// decode what the local runtime serves. Timestamps are RFC 3339.

// ListFoundationModelsOutput is GET /foundation-models.
type ListFoundationModelsOutput struct {
	ModelSummaries []FoundationModelSummary `json:"modelSummaries"`
}

// GetFoundationModelOutput is GET /foundation-models/{modelIdentifier}.
type GetFoundationModelOutput struct {
	ModelDetails FoundationModelDetails `json:"modelDetails"`
}

// ListInferenceProfilesOutput is GET /inference-profiles.
type ListInferenceProfilesOutput struct {
	InferenceProfileSummaries []InferenceProfileSummary `json:"inferenceProfileSummaries"`
	NextToken                 string                    `json:"nextToken,omitempty"`
}

// FoundationModelSummary is one item of modelSummaries.
type FoundationModelSummary struct {
	ModelArn                   string                    `json:"modelArn"`
	ModelId                    string                    `json:"modelId"`
	ModelName                  string                    `json:"modelName,omitempty"`
	ProviderName               string                    `json:"providerName,omitempty"`
	InputModalities            []string                  `json:"inputModalities,omitempty"`
	OutputModalities           []string                  `json:"outputModalities,omitempty"`
	ResponseStreamingSupported *bool                     `json:"responseStreamingSupported,omitempty"`
	CustomizationsSupported    []string                  `json:"customizationsSupported"`
	InferenceTypesSupported    []string                  `json:"inferenceTypesSupported"`
	ModelLifecycle             *FoundationModelLifecycle `json:"modelLifecycle,omitempty"`
}

// FoundationModelDetails is GetFoundationModel's modelDetails; the API
// model gives it the same members as the summary.
type FoundationModelDetails FoundationModelSummary

// FoundationModelLifecycle is a model's lifecycle in the control plane.
// Its status is ACTIVE or LEGACY; end-of-life models are not listed.
type FoundationModelLifecycle struct {
	Status          string    `json:"status"`
	StartOfLifeTime time.Time `json:"startOfLifeTime,omitzero"`
	LegacyTime      time.Time `json:"legacyTime,omitzero"`
	EndOfLifeTime   time.Time `json:"endOfLifeTime,omitzero"`
}

// InferenceProfileSummary is one item of inferenceProfileSummaries.
type InferenceProfileSummary struct {
	InferenceProfileArn  string                  `json:"inferenceProfileArn"`
	InferenceProfileId   string                  `json:"inferenceProfileId"`
	InferenceProfileName string                  `json:"inferenceProfileName"`
	Description          string                  `json:"description,omitempty"`
	Models               []InferenceProfileModel `json:"models"`
	Status               string                  `json:"status"`
	Type                 string                  `json:"type"`
	CreatedAt            time.Time               `json:"createdAt,omitzero"`
	UpdatedAt            time.Time               `json:"updatedAt,omitzero"`
}

// InferenceProfileModel is a destination model of a profile.
type InferenceProfileModel struct {
	ModelArn string `json:"modelArn"`
}

// Inference types a summary lists: on-demand models, and models reachable
// only through an inference profile.
const (
	InferenceOnDemand = "ON_DEMAND"
	InferenceProfiled = "INFERENCE_PROFILE"
)

// profilesSince is when system-defined profiles first appeared; the
// catalog reports it as their creation time.
var profilesSince = time.Date(2024, 8, 27, 0, 0, 0, 0, time.UTC)

// Summary is m as ListFoundationModels reports it in region.
func (m Model) Summary(region string) FoundationModelSummary {
	streaming := m.Streaming
	inference := InferenceOnDemand
	if !m.OnDemand {
		inference = InferenceProfiled
	}
	status := string(m.Lifecycle)
	if m.Lifecycle == EOL {
		status = string(Legacy)
	}
	return FoundationModelSummary{
		ModelArn:                   ModelARN(region, m.ID),
		ModelId:                    m.ID,
		ModelName:                  m.Name,
		ProviderName:               m.Provider,
		InputModalities:            m.InputModalities,
		OutputModalities:           m.OutputModalities,
		ResponseStreamingSupported: &streaming,
		CustomizationsSupported:    []string{},
		InferenceTypesSupported:    []string{inference},
		ModelLifecycle:             &FoundationModelLifecycle{Status: status},
	}
}

// Details is m as GetFoundationModel reports it in region.
func (m Model) Details(region string) FoundationModelDetails {
	return FoundationModelDetails(m.Summary(region))
}

// FoundationModels is ListFoundationModels' answer in region: every model
// that has not reached its end of life.
func (c *Catalog) FoundationModels(region string) ListFoundationModelsOutput {
	out := ListFoundationModelsOutput{ModelSummaries: []FoundationModelSummary{}}
	for _, m := range c.models {
		if m.Lifecycle != EOL {
			out.ModelSummaries = append(out.ModelSummaries, m.Summary(region))
		}
	}
	return out
}

// Summary is p as ListInferenceProfiles reports it.
func (p Profile) Summary() InferenceProfileSummary {
	ms := make([]InferenceProfileModel, len(p.ModelARNs))
	for i, a := range p.ModelARNs {
		ms[i] = InferenceProfileModel{ModelArn: a}
	}
	return InferenceProfileSummary{
		InferenceProfileArn:  p.ARN,
		InferenceProfileId:   p.ID,
		InferenceProfileName: p.Name,
		Description:          "Routes requests to " + p.Name + " in multiple regions.",
		Models:               ms,
		Status:               "ACTIVE",
		Type:                 "SYSTEM_DEFINED",
		CreatedAt:            profilesSince,
		UpdatedAt:            profilesSince,
	}
}

// InferenceProfiles is ListInferenceProfiles' answer in region.
func (c *Catalog) InferenceProfiles(region string) ListInferenceProfilesOutput {
	ps := c.Profiles(region)
	out := ListInferenceProfilesOutput{InferenceProfileSummaries: make([]InferenceProfileSummary, len(ps))}
	for i, p := range ps {
		out.InferenceProfileSummaries[i] = p.Summary()
	}
	return out
}
