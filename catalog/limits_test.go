package catalog

import (
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect/family"
)

// TestLimitsMatchTheCodecs checks every family's limits against the codec
// the local runtime decodes requests with: a body at the limit is
// accepted, one past it refused.
func TestLimitsMatchTheCodecs(t *testing.T) {
	t.Parallel()
	for _, m := range Models() {
		codec, err := family.ForModel(m.ID)
		if err != nil {
			continue // image, speech and embedding models
		}
		l, ok := FamilyLimits(m.Family, m.ID)
		if !ok {
			t.Errorf("%s: no limits for family %q", m.ID, m.Family)
			continue
		}
		try := func(maxTokens int, temperature float64) error {
			req := &rockstream.Request{Model: m.ID, MaxTokens: maxTokens, Temperature: &temperature,
				Messages: []rockstream.Message{rockstream.UserText("hi")}}
			body, err := codec.EncodeRequest(req)
			if err != nil {
				return err
			}
			_, err = codec.DecodeRequest(m.ID, body)
			return err
		}
		if err := try(l.MaxTokens, l.MaxTemperature); err != nil {
			t.Errorf("%s: a request at the limits (%d tokens, temperature %g) is refused: %v", m.ID, l.MaxTokens, l.MaxTemperature, err)
		}
		if err := try(l.MaxTokens+1, 0); err == nil && m.Family != "anthropic" && m.Family != "nova" {
			t.Errorf("%s: %d tokens, past the limit, is accepted", m.ID, l.MaxTokens+1)
		}
		stopReq := &rockstream.Request{Model: m.ID, MaxTokens: 1, StopSequences: []string{"END"},
			Messages: []rockstream.Message{rockstream.UserText("hi")}}
		if _, err := codec.EncodeRequest(stopReq); (err == nil) != l.StopSequences {
			t.Errorf("%s: StopSequences is %v but the codec says %v", m.ID, l.StopSequences, err)
		}
		if err := try(1, l.MaxTemperature+0.5); err == nil {
			t.Errorf("%s: temperature %g, past the limit, is accepted", m.ID, l.MaxTemperature+0.5)
		}
	}
}

func TestFamilyLimits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		family, id string
		maxTokens  int
		maxTemp    float64
		stop       bool
	}{
		{"llama", "meta.llama3-8b-instruct-v1:0", 2048, 1, false},
		{"llama", "us.meta.llama3-1-8b-instruct-v1:0", 2048, 1, false},
		{"cohere", "cohere.command-text-v14", 4096, 5, true},
		{"cohere", "cohere.command-r-v1:0", 4096, 1, true},
		{"cohere", "arn:aws:bedrock:us-east-1::foundation-model/cohere.command-r-plus-v1:0", 4096, 1, true},
		{"anthropic", "anthropic.claude-3-sonnet-20240229-v1:0", 128000, 1, true},
		{"deepseek", "us.deepseek.r1-v1:0", 32768, 1, true},
		{"deepseek", "deepseek.v3-v1:0", 32768, 2, true},
		{"gptoss", "openai.gpt-oss-120b-1:0", 128000, 2, true},
	} {
		l, ok := FamilyLimits(tt.family, tt.id)
		if !ok || l.MaxTokens != tt.maxTokens || l.MaxTemperature != tt.maxTemp || l.StopSequences != tt.stop {
			t.Errorf("FamilyLimits(%s, %s) = %+v, %v", tt.family, tt.id, l, ok)
		}
	}
	if _, ok := FamilyLimits("writer", "writer.palmyra-x5-v1:0"); ok {
		t.Error("an unknown family has limits")
	}
}
