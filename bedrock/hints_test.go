package bedrock

import (
	"testing"

	"github.com/rockstream/rockstream/catalog"
)

func TestProfileID(t *testing.T) {
	t.Parallel()
	tests := []struct{ model, region, want string }{
		{testModel, "us-west-2", "us." + testModel},
		{testModel, "eu-central-1", "eu." + testModel},
		{testModel, "ap-southeast-1", "apac." + testModel},
		{testModel, "us-gov-west-1", "us-gov." + testModel},
		{testModel, "ca-central-1", "us." + testModel},
		{"us." + testModel, "us-east-1", "us." + testModel},
		{"global." + testModel, "eu-west-1", "global." + testModel},
		{"arn:aws:bedrock:us-east-1::foundation-model/" + testModel, "us-east-1", "arn:aws:bedrock:us-east-1::foundation-model/" + testModel},
	}
	for _, tt := range tests {
		if got := ProfileID(tt.model, tt.region); got != tt.want {
			t.Errorf("ProfileID(%q, %q) = %q, want %q", tt.model, tt.region, got, tt.want)
		}
	}
}

// TestProfileIDResolves is the hint's promise: the profile ProfileID
// suggests is one the catalog (and so the local runtime) accepts, Canada's
// regions included.
func TestProfileIDResolves(t *testing.T) {
	t.Parallel()
	const model = "anthropic.claude-3-7-sonnet-20250219-v1:0" // profile-only, in us, eu and apac
	for _, region := range []string{"us-east-1", "us-west-2", "ca-central-1", "ca-west-1", "eu-west-1", "ap-southeast-1"} {
		id := ProfileID(model, region)
		if _, err := catalog.Resolve(id); err != nil {
			t.Errorf("ProfileID(%q, %q) = %q, which catalog.Resolve rejects: %v", model, region, id, err)
		}
	}
}
