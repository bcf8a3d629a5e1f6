package converse

import (
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

// systemToSDK writes the system prompts with their cache points.
func systemToSDK(req *rockstream.Request) []types.SystemContentBlock {
	var out []types.SystemContentBlock
	for _, w := range systemToWire(req) {
		if w.Text != nil {
			out = append(out, &types.SystemContentBlockMemberText{Value: *w.Text})
		} else {
			out = append(out, &types.SystemContentBlockMemberCachePoint{Value: cacheToSDK(w.CachePoint.TTL)})
		}
	}
	return out
}

func cacheToSDK(ttl string) types.CachePointBlock {
	return types.CachePointBlock{Type: types.CachePointTypeDefault, Ttl: types.CacheTTL(ttl)}
}

func documentToSDK(d *rockstream.Document) (types.ContentBlock, error) {
	w, err := documentToWire(d)
	if err != nil {
		return nil, err
	}
	doc := types.DocumentBlock{Format: types.DocumentFormat(w.Format), Name: aws.String(w.Name)}
	if w.Source.Text != nil {
		doc.Source = &types.DocumentSourceMemberText{Value: *w.Source.Text}
	} else {
		doc.Source = &types.DocumentSourceMemberBytes{Value: w.Source.Bytes}
	}
	if w.Context != "" {
		doc.Context = aws.String(w.Context)
	}
	if w.Citations != nil {
		doc.Citations = &types.CitationsConfig{Enabled: aws.Bool(true)}
	}
	return &types.ContentBlockMemberDocument{Value: doc}, nil
}

func guardContentToSDK(b rockstream.Block) types.ContentBlock {
	g := types.GuardrailConverseTextBlock{Text: aws.String(b.Text)}
	for _, q := range b.Qualifiers {
		g.Qualifiers = append(g.Qualifiers, types.GuardrailConverseContentQualifier(q))
	}
	return &types.ContentBlockMemberGuardContent{Value: &types.GuardrailConverseContentBlockMemberText{Value: g}}
}

// optionsToSDK sets the input members rockstream.Options map to.
func optionsToSDK(in *bedrockruntime.ConverseStreamInput, req *rockstream.Request) error {
	if g := req.Guardrail; g != nil {
		in.GuardrailConfig = &types.GuardrailStreamConfiguration{
			GuardrailIdentifier: aws.String(g.Identifier), GuardrailVersion: aws.String(g.Version),
			Trace: types.GuardrailTrace(g.Trace), StreamProcessingMode: types.GuardrailStreamProcessingMode(g.StreamProcessingMode),
		}
	}
	in.RequestMetadata = req.Metadata
	if req.Latency != "" {
		in.PerformanceConfig = &types.PerformanceConfiguration{Latency: types.PerformanceConfigLatency(req.Latency)}
	}
	if req.ServiceTier != "" {
		in.ServiceTier = &types.ServiceTier{Type: types.ServiceTierType(req.ServiceTier)}
	}
	if req.ResponseFormat != nil || req.Effort != "" {
		oc := &types.OutputConfig{}
		if req.Effort != "" {
			oc.Effort = aws.String(req.Effort)
		}
		if f := req.ResponseFormat; f != nil {
			js := types.JsonSchemaDefinition{Schema: aws.String(string(schemaOrObject(f.Schema)))}
			if f.Name != "" {
				js.Name = aws.String(f.Name)
			}
			if f.Description != "" {
				js.Description = aws.String(f.Description)
			}
			oc.TextFormat = &types.OutputFormat{Type: types.OutputFormatTypeJsonSchema,
				Structure: &types.OutputFormatStructureMemberJsonSchema{Value: js}}
		}
		in.OutputConfig = oc
	}
	in.AdditionalModelResponseFieldPaths = req.ResponseFieldPaths
	extra, err := additionalFields(req)
	if err != nil || extra == nil {
		return err
	}
	// The SDK's document encoder writes a json.RawMessage as a byte list:
	// hand it plain values.
	for k, v := range extra {
		if raw, ok := v.(json.RawMessage); ok {
			var plain any
			if err := json.Unmarshal(raw, &plain); err != nil {
				return rockstream.Validationf("additionalModelRequestFields.%s is not JSON: %v", k, err)
			}
			extra[k] = plain
		}
	}
	in.AdditionalModelRequestFields = document.NewLazyDocument(extra)
	return nil
}
