package bedrock

import (
	"fmt"
	"strings"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/modelid"
)

// addHint appends what to do about e to its message, for the failures
// people meet first: no model access, a model that needs an inference
// profile, an unknown or retired model, throttling that outlasted retries.
func (c *Client) addHint(e *rockstream.Error, model string, attempts int) {
	msg := strings.ToLower(e.Message)
	var hint string
	switch {
	case e.Class == rockstream.ClassAccessDenied:
		hint = fmt.Sprintf("Request access to %s in the Amazon Bedrock console (Model access) for region %s, "+
			"and check that your IAM policy allows bedrock:InvokeModelWithResponseStream", model, c.Region())
	case strings.Contains(msg, "on-demand throughput isn"):
		hint = fmt.Sprintf("Use an inference profile ID instead, e.g. %q", ProfileID(model, c.Region()))
	case strings.Contains(msg, "end of its life") || strings.Contains(msg, "end-of-life") ||
		strings.Contains(msg, "no longer available") || strings.Contains(msg, "legacy"):
		hint = "This model version is retired or being retired; pick a current model (ListModels, or rockstream models)"
	case e.Class == rockstream.ClassNotFound, strings.Contains(msg, "model identifier is invalid"):
		hint = fmt.Sprintf("Check the model ID %q and that the model is offered in region %s (ListModels, or rockstream models)", model, c.Region())
	case e.Class == rockstream.ClassThrottling && attempts > 1 && !e.InStream:
		hint = fmt.Sprintf("Still throttled after %d attempts; wait and retry, lower the request rate, "+
			"or ask for a higher quota in Service Quotas", attempts)
	}
	if hint != "" && !strings.Contains(e.Message, hint) {
		e.Message = strings.TrimSuffix(e.Message, ".") + ". " + hint + "."
	}
}

// ProfileID is the cross-region inference profile ID for a foundation
// model in region: the region's geography prefix ("us.", "eu.", "apac.", …;
// Canada's regions use "us.") plus the model ID. An ID that already names
// a profile, an ARN, or anything that is not a model ID comes back
// unchanged.
func ProfileID(model, region string) string { return modelid.ProfileID(model, region) }
