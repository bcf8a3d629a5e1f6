package catalog

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrock/types"
)

// TestControlPlaneDecodesWithSDK serves the catalog's shapes and reads
// them back with the AWS SDK's bedrock client, so a JSON name that does
// not match the API model shows up as a missing field.
func TestControlPlaneDecodesWithSDK(t *testing.T) {
	const region = "us-east-1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any
		switch {
		case r.URL.Path == "/foundation-models":
			v = FoundationModels(region)
		case strings.HasPrefix(r.URL.Path, "/foundation-models/"):
			m, ok := Lookup(strings.TrimPrefix(r.URL.Path, "/foundation-models/"))
			if !ok {
				http.NotFound(w, r)
				return
			}
			v = GetFoundationModelOutput{ModelDetails: m.Details(region)}
		case r.URL.Path == "/inference-profiles":
			v = InferenceProfiles(region)
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}))
	defer srv.Close()

	client := bedrock.New(bedrock.Options{
		Region:       region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	ctx := context.Background()

	list, err := client.ListFoundationModels(ctx, &bedrock.ListFoundationModelsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ModelSummaries) != len(FoundationModels(region).ModelSummaries) || len(list.ModelSummaries) < 20 {
		t.Fatalf("ListFoundationModels returned %d models", len(list.ModelSummaries))
	}
	var sawProfiled bool
	for _, s := range list.ModelSummaries {
		if aws.ToString(s.ModelId) == "" || aws.ToString(s.ModelName) == "" || aws.ToString(s.ProviderName) == "" ||
			aws.ToString(s.ModelArn) != ModelARN(region, aws.ToString(s.ModelId)) ||
			len(s.InputModalities) == 0 || len(s.OutputModalities) == 0 ||
			s.ResponseStreamingSupported == nil || s.ModelLifecycle == nil || s.ModelLifecycle.Status == "" ||
			len(s.InferenceTypesSupported) != 1 {
			t.Errorf("summary decoded incompletely: %+v", s)
		}
		if s.InferenceTypesSupported[0] == types.InferenceType(InferenceProfiled) {
			sawProfiled = true
		}
		if aws.ToString(s.ModelId) == "anthropic.claude-instant-v1" {
			t.Errorf("end-of-life model listed")
		}
	}
	if !sawProfiled {
		t.Error("no profile-only model listed")
	}

	got, err := client.GetFoundationModel(ctx, &bedrock.GetFoundationModelInput{ModelIdentifier: aws.String(DefaultModel)})
	if err != nil {
		t.Fatal(err)
	}
	if d := got.ModelDetails; d == nil || aws.ToString(d.ModelId) != DefaultModel || aws.ToString(d.ModelName) != "Claude 3 Sonnet" ||
		d.InferenceTypesSupported[0] != types.InferenceTypeOnDemand || !aws.ToBool(d.ResponseStreamingSupported) {
		t.Errorf("GetFoundationModel = %+v", got.ModelDetails)
	}

	profiles, err := client.ListInferenceProfiles(ctx, &bedrock.ListInferenceProfilesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles.InferenceProfileSummaries) != len(Profiles(region)) {
		t.Fatalf("ListInferenceProfiles returned %d profiles", len(profiles.InferenceProfileSummaries))
	}
	for _, p := range profiles.InferenceProfileSummaries {
		if aws.ToString(p.InferenceProfileId) == "" || aws.ToString(p.InferenceProfileArn) == "" || aws.ToString(p.InferenceProfileName) == "" ||
			len(p.Models) == 0 || aws.ToString(p.Models[0].ModelArn) == "" || p.Status != types.InferenceProfileStatusActive ||
			p.Type != types.InferenceProfileTypeSystemDefined || p.CreatedAt == nil || p.CreatedAt.IsZero() {
			t.Errorf("profile decoded incompletely: %+v", p)
		}
	}
}

var update = flag.Bool("update", false, "rewrite golden files")

// TestControlPlaneGolden pins the exact JSON the local runtime serves.
func TestControlPlaneGolden(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"foundation-models.us-east-1.golden", FoundationModels("us-east-1")},
		{"inference-profiles.eu-west-1.golden", InferenceProfiles("eu-west-1")},
	}
	for _, tt := range tests {
		got, err := json.MarshalIndent(tt.v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs; run with -update after checking", tt.name)
		}
	}
}
