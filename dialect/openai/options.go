package openai

import (
	"bytes"
	"encoding/json"

	"github.com/rockstream/rockstream"
)

// ResponseFormat is the response_format parameter.
type ResponseFormat struct {
	Type       string      `json:"type"`
	JSONSchema *JSONSchema `json:"json_schema,omitempty"`
}

// JSONSchema is the schema of a json_schema response format.
type JSONSchema struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// chatTarget names an OpenAI-compatible upstream in refusals.
const chatTarget = "the OpenAI-compatible chat completions API"

// chatCarried is what a chat completions body carries beyond the
// conversation. Cache points are honoured by the prefix caching such
// servers do on their own, so they pass without a field.
var chatCarried = []rockstream.Feature{rockstream.FeatureResponseFormat, rockstream.FeatureMetadata,
	rockstream.FeatureServiceTier, rockstream.FeatureCachePoint}

// chatTiers maps OpenAI's service_tier to the neutral (Bedrock) tier;
// "auto" is OpenAI's default and asks for nothing.
var chatTiers = map[string]string{"auto": "", "default": "default", "flex": "flex", "priority": "priority"}

// readOptions reads response_format, metadata and service_tier.
func readOptions(cr *ChatRequest, req *rockstream.Request) error {
	if !isNull(cr.ResponseFormat) {
		rf, err := readResponseFormat(cr.ResponseFormat)
		if err != nil {
			return err
		}
		req.ResponseFormat = rf
	}
	if len(cr.Metadata) > 0 {
		req.Metadata = cr.Metadata
	}
	if cr.ServiceTier != "" {
		tier, ok := chatTiers[cr.ServiceTier]
		if !ok {
			return invalid("service_tier", "invalid_value", "Invalid value: '%s'. Supported values are: 'auto', 'default', 'flex' and 'priority'.", cr.ServiceTier)
		}
		req.ServiceTier = tier
	}
	return nil
}

func readResponseFormat(raw json.RawMessage) (*rockstream.ResponseFormat, error) {
	var rf ResponseFormat
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rf); err != nil {
		return nil, invalid("response_format", "invalid_type", "Invalid 'response_format': expected an object with a type of 'text', 'json_object' or 'json_schema'.")
	}
	switch rf.Type {
	case "text":
		return nil, nil // free text is the default
	case "json_object":
		return &rockstream.ResponseFormat{Type: "json_object"}, nil
	case "json_schema":
		js := rf.JSONSchema
		if js == nil {
			return nil, invalid("response_format.json_schema", "missing_required_parameter", "Missing required parameter: 'response_format.json_schema'.")
		}
		if js.Name == "" {
			return nil, invalid("response_format.json_schema.name", "missing_required_parameter", "Missing required parameter: 'response_format.json_schema.name'.")
		}
		if !isNull(js.Schema) && !bytes.HasPrefix(bytes.TrimSpace(js.Schema), []byte("{")) {
			return nil, invalid("response_format.json_schema.schema", "invalid_type", "Invalid type for 'response_format.json_schema.schema': expected an object.")
		}
		out := &rockstream.ResponseFormat{Type: "json_schema", Name: js.Name, Description: js.Description, Strict: js.Strict != nil && *js.Strict}
		if !isNull(js.Schema) {
			out.Schema = append(json.RawMessage(nil), js.Schema...)
		}
		return out, nil
	}
	return nil, invalid("response_format.type", "invalid_value", "Invalid value: '%s'. Supported values are: 'text', 'json_object' and 'json_schema'.", rf.Type)
}

// writeOptions refuses what chat completions cannot carry, by name, and
// writes the rest.
func writeOptions(req *rockstream.Request, cr *ChatRequest) error {
	if err := req.CheckFeatures(chatTarget, chatCarried...); err != nil {
		return err
	}
	if f := req.ResponseFormat; f != nil {
		rf := ResponseFormat{Type: f.Type}
		if f.Type == "json_schema" {
			rf.JSONSchema = &JSONSchema{Name: f.Name, Description: f.Description, Schema: f.Schema}
			if rf.JSONSchema.Name == "" {
				rf.JSONSchema.Name = "response" // chat completions requires a name
			}
			if f.Strict {
				rf.JSONSchema.Strict = &f.Strict
			}
		}
		cr.ResponseFormat = mustMarshal(rf)
	}
	cr.Metadata = req.Metadata
	if req.ServiceTier != "" {
		if _, ok := chatTiers[req.ServiceTier]; !ok || req.ServiceTier == "auto" {
			return rockstream.RefuseWhat(chatTarget, rockstream.FeatureServiceTier, "the "+req.ServiceTier+" service tier (serviceTier)")
		}
		cr.ServiceTier = req.ServiceTier
	}
	return nil
}
