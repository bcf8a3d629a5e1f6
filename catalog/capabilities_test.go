package catalog

import "testing"

func TestCapabilities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id          string
		maxOut, ctx int // 0: not known
		has, hasNot []Capability
	}{
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", 64000, 200000, []Capability{Tools, Thinking, Images, Documents, PromptCaching, Citations}, nil},
		{"global.anthropic.claude-opus-4-6-v1", 128000, 1000000, []Capability{Thinking}, nil},
		{"anthropic.claude-3-sonnet-20240229-v1:0", 4096, 200000, []Capability{Tools, Images}, []Capability{Thinking, PromptCaching}},
		{"arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0", 16384, 128000, []Capability{Tools, Thinking}, []Capability{Images}},
		{"amazon.nova-pro-v1:0", 10000, 300000, []Capability{Images, PromptCaching}, []Capability{Citations}},
		{"amazon.titan-text-express-v1", 8192, 8192, nil, []Capability{Tools}},
		// Not listed: nothing known, even when it would be served.
		{"anthropic.claude-opus-9-20300101-v1:0", 0, 0, nil, []Capability{Tools}},
		{"eu.anthropic.claude-3-5-haiku-20241022-v1:0", 0, 0, nil, []Capability{Tools}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			n, ok := MaxOutputTokens(tt.id)
			if ok != (tt.maxOut != 0) || n != tt.maxOut {
				t.Errorf("MaxOutputTokens = %d, %v; want %d", n, ok, tt.maxOut)
			}
			n, ok = ContextWindow(tt.id)
			if ok != (tt.ctx != 0) || n != tt.ctx {
				t.Errorf("ContextWindow = %d, %v; want %d", n, ok, tt.ctx)
			}
			for _, c := range tt.has {
				if !Supports(tt.id, c) {
					t.Errorf("does not support %s", c)
				}
			}
			for _, c := range tt.hasNot {
				if Supports(tt.id, c) {
					t.Errorf("supports %s", c)
				}
			}
		})
	}
}
