package modelid

import (
	"errors"
	"strings"
)

// bedrockKinds are the ARN resource types Bedrock Runtime invokes.
var bedrockKinds = []Kind{
	FoundationModel, InferenceProfile, ApplicationInferenceProfile, ProvisionedModel,
	CustomModel, ImportedModel, Prompt, PromptRouter, DefaultPromptRouter,
}

// parseARN reads arn:partition:service:region:account:type/resource.
func parseARN(s string) (ID, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return fail(s, "an ARN has six ':'-separated parts")
	}
	id := ID{Raw: s, Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4]}
	if id.Partition != "aws" && !(strings.HasPrefix(id.Partition, "aws-") && isWord(id.Partition)) {
		return fail(s, "partition %q is not an AWS partition", id.Partition)
	}
	if id.Region != "" && !isWord(id.Region) {
		return fail(s, "region %q is malformed", id.Region)
	}
	if id.Account != "" && (len(id.Account) != 12 || !isDigits(id.Account)) {
		return fail(s, "account %q is not 12 digits", id.Account)
	}
	typ, resource, ok := strings.Cut(parts[5], "/")
	if !ok || resource == "" {
		return fail(s, "the ARN's resource is not type/id")
	}
	id.Kind, id.Resource = Kind(typ), resource
	if !isResource(resource) {
		return fail(s, "resource %q has characters outside A-Z, a-z, 0-9 and - . _ : /", resource)
	}
	switch id.Service {
	case "sagemaker":
		if id.Kind != SageMakerEndpoint {
			return fail(s, "Bedrock invokes SageMaker endpoints, not %q", typ)
		}
		return id, nil
	case "bedrock":
	default:
		return fail(s, "service %q is neither bedrock nor sagemaker", id.Service)
	}
	if !isBedrockKind(id.Kind) {
		return fail(s, "Bedrock does not invoke a %q", typ)
	}
	return id.withModel(s)
}

// withModel fills in the model facts that the ARN's resource carries.
func (id ID) withModel(s string) (ID, error) {
	var m ID
	var err error
	switch id.Kind {
	case FoundationModel:
		if m, err = parseBare(id.Resource); err == nil && m.Kind != FoundationModel {
			return fail(s, "a foundation-model ARN names a model, not the profile %q", id.Resource)
		}
	case InferenceProfile:
		if m, err = parseBare(id.Resource); err == nil && m.Kind != InferenceProfile {
			return fail(s, "an inference-profile ARN names a system-defined profile (us.…, global.…), not %q", id.Resource)
		}
	case CustomModel:
		// custom-model/<base model ID>/<suffix>: the base model is the
		// one whose codec the custom model speaks.
		base, _, ok := strings.Cut(id.Resource, "/")
		if !ok {
			return id, nil
		}
		if m, err = parseModel(s, base); err != nil {
			return id, nil // an opaque custom model is still a custom model
		}
	case DefaultPromptRouter:
		// default-prompt-router/anthropic.claude:1 routes among one
		// provider's models.
		provider, rest, ok := strings.Cut(id.Resource, ".")
		name, version, _ := strings.Cut(rest, ":")
		if ok && isWord(provider) && isWord(name) {
			id.Provider, id.Name, id.Version = provider, name, version
		}
		return id, nil
	default:
		return id, nil
	}
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return fail(s, "resource: %s", pe.Reason)
		}
		return ID{}, err
	}
	id.Geography, id.Model, id.Provider, id.Name, id.Version, id.Context =
		m.Geography, m.Model, m.Provider, m.Name, m.Version, m.Context
	return id, nil
}

func isBedrockKind(k Kind) bool {
	for _, b := range bedrockKinds {
		if k == b {
			return true
		}
	}
	return false
}

// isResource matches the characters of ARN resource IDs.
func isResource(s string) bool {
	for _, r := range s {
		if !isWordRune(r) && !(r >= 'A' && r <= 'Z') && !strings.ContainsRune("._:/", r) {
			return false
		}
	}
	return true
}
