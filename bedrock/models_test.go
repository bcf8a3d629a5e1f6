package bedrock

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

const foundationModelsJSON = `{"modelSummaries":[
 {"modelId":"anthropic.claude-3-5-haiku-20241022-v1:0","modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
  "modelName":"Claude 3.5 Haiku","providerName":"Anthropic","responseStreamingSupported":true,
  "inferenceTypesSupported":["INFERENCE_PROFILE"],"inputModalities":["TEXT","IMAGE"],"outputModalities":["TEXT"],"modelLifecycle":{"status":"ACTIVE"}},
 {"modelId":"amazon.titan-embed-text-v2:0","modelArn":"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
  "modelName":"Titan Text Embeddings V2","providerName":"Amazon","responseStreamingSupported":false,
  "inferenceTypesSupported":["ON_DEMAND"],"inputModalities":["TEXT"],"outputModalities":["EMBEDDING"],"modelLifecycle":{"status":"ACTIVE"}}
]}`

const inferenceProfilesJSON = `{"inferenceProfileSummaries":[
 {"inferenceProfileId":"us.anthropic.claude-3-5-haiku-20241022-v1:0","inferenceProfileName":"US Claude 3.5 Haiku",
  "inferenceProfileArn":"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
  "models":[{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"},
            {"modelArn":"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"}],
  "status":"ACTIVE","type":"SYSTEM_DEFINED"}
]}`

func controlPlane(profiles bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/foundation-models":
			fmt.Fprint(w, foundationModelsJSON)
		case r.URL.Path == "/inference-profiles" && profiles:
			fmt.Fprint(w, inferenceProfilesJSON)
		default:
			writeError(w, 404, "ResourceNotFoundException", "no route "+r.URL.Path)
		}
	}
}

func TestListModels(t *testing.T) {
	t.Parallel()
	haiku := "anthropic.claude-3-5-haiku-20241022-v1:0"
	fms := []Model{
		{ID: "amazon.titan-embed-text-v2:0", Name: "Titan Text Embeddings V2", Provider: "Amazon", OnDemand: true,
			Lifecycle: "ACTIVE", InputModalities: []string{"TEXT"}, OutputModalities: []string{"EMBEDDING"}},
		{ID: haiku, Name: "Claude 3.5 Haiku", Provider: "Anthropic", Streaming: true,
			Lifecycle: "ACTIVE", InputModalities: []string{"TEXT", "IMAGE"}, OutputModalities: []string{"TEXT"}},
	}
	profile := Model{ID: "us." + haiku, Name: "US Claude 3.5 Haiku", Provider: "anthropic", Profile: true,
		BaseModels: []string{haiku}, Streaming: true, OnDemand: true, Lifecycle: "ACTIVE"}
	tests := []struct {
		name     string
		profiles bool
		want     []Model
	}{
		{"models and profiles", true, append(fms[:2:2], profile)},
		{"endpoint without profiles", false, fms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newH2CServer(t, controlPlane(tt.profiles))
			c := newTestClient(t, srv, Options{})
			got, err := c.ListModels(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("models\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestListModelsAccessDenied(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 403, "AccessDeniedException", "not authorized to perform bedrock:ListFoundationModels")
	}))
	_, err := newTestClient(t, srv, Options{}).ListModels(t.Context())
	if e := asError(t, err); e.Class != "access_denied" || e.StatusCode != 403 {
		t.Errorf("error %+v", e)
	}
}
