package modelid_test

import (
	"fmt"

	"github.com/rockstream/rockstream/modelid"
)

func ExampleParse() {
	for _, s := range []string{
		"us.anthropic.claude-sonnet-4-5-20250929-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
	} {
		id, err := modelid.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: geography %q, model %q, provider %q, version %q, account %q\n",
			id.Kind, id.Geography, id.Model, id.Provider, id.Version, id.Account)
	}
	// Output:
	// inference-profile: geography "us", model "anthropic.claude-sonnet-4-5-20250929-v1:0", provider "anthropic", version "v1:0", account ""
	// application-inference-profile: geography "", model "", provider "", version "", account "123456789012"
}

func ExampleProfileID() {
	fmt.Println(modelid.ProfileID("anthropic.claude-3-7-sonnet-20250219-v1:0", "ca-central-1"))
	fmt.Println(modelid.ProfileID("amazon.nova-lite-v1:0", "ap-southeast-1"))
	// Output:
	// us.anthropic.claude-3-7-sonnet-20250219-v1:0
	// apac.amazon.nova-lite-v1:0
}
